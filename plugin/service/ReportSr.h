#pragma once
// A DICOM Basic Text SR built with DCMTK from plain report text, placed in an existing
// study (POST {root}studies/{id}/report). SDK-free so that it is unit-tested directly.
#include <map>
#include <stdexcept>
#include <string>

namespace mcr::plugin {

// The study's identifying tags as Orthanc's /studies/{id} gives them, by DICOM keyword:
// PatientID, PatientName, PatientBirthDate, PatientSex, StudyInstanceUID, StudyDate,
// StudyTime, AccessionNumber, StudyID, ReferringPhysicianName. StudyInstanceUID is required.
using StudyTags = std::map<std::string, std::string>;

struct BuiltReport {
  std::string dicom;            // Part 10 bytes
  std::string sopInstanceUid;
  std::string seriesInstanceUid;
};

// Throws std::invalid_argument for empty/invalid text, std::runtime_error when DCMTK fails.
BuiltReport buildBasicTextSr(const StudyTags& study, const std::string& reportText);

// Is `text` valid UTF-8 (the SR is written with Specific Character Set ISO_IR 192)?
bool isValidUtf8(const std::string& text);

}  // namespace mcr::plugin
