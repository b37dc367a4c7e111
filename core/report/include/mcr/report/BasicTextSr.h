#pragma once
// The project's one DICOM SR writer: a Basic Text SR built with DCMTK from plain report
// text, placed in an existing study. The plugin uses it for POST /mcr/studies/{id}/report,
// mcr-synth for the report of every phantom study; readReportText reads it back.
//
// The template: CONTAINER "Radiology Report" (LOINC 11528-7) with one TEXT item per
// paragraph (paragraphs are separated by blank lines; a single line break is a space).
// A paragraph that starts with "FINDINGS:" or "IMPRESSION:" (either case) gets that
// concept name (DCM 121070 Findings / 121073 Impression) and loses the heading, since
// readers print the concept name as the heading; other paragraphs are Findings.
// Specific Character Set ISO_IR 192 (UTF-8); the series is new.
#include <map>
#include <stdexcept>
#include <string>

namespace mcr::report {

// The study's identifying tags as Orthanc's /studies/{id} gives them, by DICOM keyword:
// PatientID, PatientName, PatientBirthDate, PatientSex, StudyInstanceUID, StudyDate,
// StudyTime, StudyDescription, AccessionNumber, StudyID, ReferringPhysicianName.
// StudyInstanceUID is required; the others may be missing (written empty or left out).
using StudyTags = std::map<std::string, std::string>;

struct BuiltReport {
  std::string dicom;            // Part 10 bytes, Explicit VR Little Endian
  std::string sopInstanceUid;
  std::string seriesInstanceUid;
};

// What a caller may set instead of the defaults. The plugin takes the defaults; mcr-synth
// passes the UIDs it assigned to the study beforehand and its own descriptions.
struct SrOptions {
  std::string sopInstanceUid;     // empty: a new UUID-derived UID, "2.25.<UUID as integer>"
  std::string seriesInstanceUid;  // empty: likewise
  std::string seriesNumber;       // empty: "1" (DCMTK's default)
  std::string seriesDescription = "MCR report";
  std::string manufacturer = "orthanc-mcr";
  std::string contentDate, contentTime;  // empty: the time of writing (DCMTK's default)
};

// Throws std::invalid_argument for empty/invalid text (not UTF-8, control characters other
// than tab and line breaks, only headings) or a study without StudyInstanceUID,
// std::runtime_error when DCMTK fails.
BuiltReport buildBasicTextSr(const StudyTags& study, const std::string& reportText);
BuiltReport buildBasicTextSr(const StudyTags& study, const std::string& reportText, const SrOptions& options);

}  // namespace mcr::report
