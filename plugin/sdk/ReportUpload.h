#pragma once
// POST {root}studies/{id}/report: plain text -> DICOM Basic Text SR stored through Orthanc.
#include <string>
namespace mcr::plugin {
void registerReportRoute(const std::string& root);
}
