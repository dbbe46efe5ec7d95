#pragma once
// The image stage's view of the variant record (workspace/records.h): the packages a variant's
// image holds.
#include <vector>

#include "osbuild/workspace/records.h"

namespace osbuild::image {

using workspace::GitRef;
using workspace::PackageRecord;
using workspace::SourceRef;
using workspace::VariantRecord;

// The run-time closure of the included packages over `requires`, sorted by name.
std::vector<const PackageRecord*> runtime_closure(const VariantRecord& record);

}  // namespace osbuild::image
