// libarchive, bound on first use (lazy_library.h): linked outright, libarchive13 brings in
// libxml2 and ICU (about 30 MiB of data tables to map and relocate), nettle, libacl and six
// compression libraries, which cost every osbuild process about 2 ms before main(), even a no-op
// build that never opens an archive (bench/README.md, "build").
#include <archive.h>
#include <archive_entry.h>

#include "lazy_library.h"

namespace {
osbuild::lazy::Library libarchive{"libarchive.so.13",
                                  "install libarchive: apt-get install libarchive13"};
}  // namespace

#define OSBUILD_ARCHIVE_FORWARD(result, name, params, args) \
  OSBUILD_LAZY_FORWARD(libarchive, result, name, params, args)

// The library.
OSBUILD_ARCHIVE_FORWARD(const char*, archive_version_string, (void), ())
OSBUILD_ARCHIVE_FORWARD(const char*, archive_zlib_version, (void), ())
OSBUILD_ARCHIVE_FORWARD(const char*, archive_libzstd_version, (void), ())
OSBUILD_ARCHIVE_FORWARD(const char*, archive_error_string, (struct archive * a), (a))

// Reading archives.
OSBUILD_ARCHIVE_FORWARD(struct archive*, archive_read_new, (void), ())
OSBUILD_ARCHIVE_FORWARD(int, archive_read_free, (struct archive * a), (a))
OSBUILD_ARCHIVE_FORWARD(int, archive_read_support_filter_all, (struct archive * a), (a))
OSBUILD_ARCHIVE_FORWARD(int, archive_read_support_format_all, (struct archive * a), (a))
OSBUILD_ARCHIVE_FORWARD(int, archive_read_support_format_tar, (struct archive * a), (a))
OSBUILD_ARCHIVE_FORWARD(int, archive_read_support_format_raw, (struct archive * a), (a))
OSBUILD_ARCHIVE_FORWARD(int, archive_filter_count, (struct archive * a), (a))
OSBUILD_ARCHIVE_FORWARD(int, archive_read_open_filename,
                        (struct archive * a, const char* filename, size_t block_size),
                        (a, filename, block_size))
OSBUILD_ARCHIVE_FORWARD(int, archive_read_next_header,
                        (struct archive * a, struct archive_entry** entry), (a, entry))
OSBUILD_ARCHIVE_FORWARD(int, archive_read_data_block,
                        (struct archive * a, const void** buffer, size_t* size,
                         la_int64_t* offset),
                        (a, buffer, size, offset))

// Writing archives, and writing entries to disk.
OSBUILD_ARCHIVE_FORWARD(struct archive*, archive_write_new, (void), ())
OSBUILD_ARCHIVE_FORWARD(struct archive*, archive_write_disk_new, (void), ())
OSBUILD_ARCHIVE_FORWARD(int, archive_write_disk_set_options, (struct archive * a, int flags),
                        (a, flags))
OSBUILD_ARCHIVE_FORWARD(int, archive_write_set_format_pax_restricted, (struct archive * a), (a))
OSBUILD_ARCHIVE_FORWARD(int, archive_write_add_filter_gzip, (struct archive * a), (a))
OSBUILD_ARCHIVE_FORWARD(int, archive_write_open_filename, (struct archive * a, const char* file),
                        (a, file))
OSBUILD_ARCHIVE_FORWARD(int, archive_write_header,
                        (struct archive * a, struct archive_entry* entry), (a, entry))
OSBUILD_ARCHIVE_FORWARD(la_ssize_t, archive_write_data,
                        (struct archive * a, const void* buffer, size_t size), (a, buffer, size))
OSBUILD_ARCHIVE_FORWARD(la_ssize_t, archive_write_data_block,
                        (struct archive * a, const void* buffer, size_t size, la_int64_t offset),
                        (a, buffer, size, offset))
OSBUILD_ARCHIVE_FORWARD(int, archive_write_finish_entry, (struct archive * a), (a))
OSBUILD_ARCHIVE_FORWARD(int, archive_write_close, (struct archive * a), (a))
OSBUILD_ARCHIVE_FORWARD(int, archive_write_free, (struct archive * a), (a))

// Entries.
OSBUILD_ARCHIVE_FORWARD(struct archive_entry*, archive_entry_new, (void), ())
OSBUILD_ARCHIVE_FORWARD(void, archive_entry_free, (struct archive_entry * entry), (entry))
OSBUILD_ARCHIVE_FORWARD(const char*, archive_entry_pathname, (struct archive_entry * entry),
                        (entry))
OSBUILD_ARCHIVE_FORWARD(const char*, archive_entry_symlink, (struct archive_entry * entry),
                        (entry))
OSBUILD_ARCHIVE_FORWARD(const char*, archive_entry_hardlink, (struct archive_entry * entry),
                        (entry))
OSBUILD_ARCHIVE_FORWARD(__LA_MODE_T, archive_entry_filetype, (struct archive_entry * entry),
                        (entry))
OSBUILD_ARCHIVE_FORWARD(__LA_MODE_T, archive_entry_perm, (struct archive_entry * entry), (entry))
OSBUILD_ARCHIVE_FORWARD(la_int64_t, archive_entry_size, (struct archive_entry * entry), (entry))
OSBUILD_ARCHIVE_FORWARD(time_t, archive_entry_mtime, (struct archive_entry * entry), (entry))
OSBUILD_ARCHIVE_FORWARD(void, archive_entry_set_pathname,
                        (struct archive_entry * entry, const char* path), (entry, path))
OSBUILD_ARCHIVE_FORWARD(void, archive_entry_set_symlink,
                        (struct archive_entry * entry, const char* target), (entry, target))
OSBUILD_ARCHIVE_FORWARD(void, archive_entry_set_hardlink,
                        (struct archive_entry * entry, const char* target), (entry, target))
OSBUILD_ARCHIVE_FORWARD(void, archive_entry_set_filetype,
                        (struct archive_entry * entry, unsigned int type), (entry, type))
OSBUILD_ARCHIVE_FORWARD(void, archive_entry_set_perm,
                        (struct archive_entry * entry, __LA_MODE_T perm), (entry, perm))
OSBUILD_ARCHIVE_FORWARD(void, archive_entry_set_size,
                        (struct archive_entry * entry, la_int64_t size), (entry, size))
OSBUILD_ARCHIVE_FORWARD(void, archive_entry_set_mtime,
                        (struct archive_entry * entry, time_t seconds, long nanoseconds),
                        (entry, seconds, nanoseconds))
OSBUILD_ARCHIVE_FORWARD(void, archive_entry_set_uid, (struct archive_entry * entry, la_int64_t uid),
                        (entry, uid))
OSBUILD_ARCHIVE_FORWARD(void, archive_entry_set_gid, (struct archive_entry * entry, la_int64_t gid),
                        (entry, gid))
OSBUILD_ARCHIVE_FORWARD(void, archive_entry_set_uname,
                        (struct archive_entry * entry, const char* name), (entry, name))
OSBUILD_ARCHIVE_FORWARD(void, archive_entry_set_gname,
                        (struct archive_entry * entry, const char* name), (entry, name))
