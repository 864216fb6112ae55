/*
 * switchboard_files.h: uploaded files (recordings, photos) through the C API.
 *
 * Included by switchboard.h; includable on its own. The conventions written
 * at the top of switchboard.h hold here.
 */
#ifndef SWITCHBOARD_FILES_H
#define SWITCHBOARD_FILES_H

#include "switchboard_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------- files
 *
 * Uploaded files (recordings, photos). Content lives under the files
 * directory (sb_db_options.files_dir) by its SHA-256, never under the name
 * given; the same content is stored once. Any role may upload; admins and
 * supervisors see every file of the organisation, others the files they
 * uploaded (SB_ENOTFOUND for the rest). Without a files directory (a
 * ":memory:" database and no files_dir) these calls fail with SB_EINVALID,
 * field "files_dir".
 *   file  {"id","name","mime","size","sha256","uploaded_by","created_ms"}
 */

/* Stores `len` bytes at `data` (borrowed for the call) as the file `name`
 * with the content type `mime` (NULL or "": "application/octet-stream").
 * *out_json = the file. SB_EINVALID (field "name") for an empty name, one with
 * '/', '\\', "..", a control character or over 255 bytes; (field "file") for
 * an empty file; SB_ETOOLARGE over max_file_bytes. data may be NULL only when
 * len is 0. */
SB_EXTERN int sb_file_upload(sb_db* db, char** out_json, const char* token, const char* name,
                             const char* mime, const void* data, size_t len);

/* *out_json = the file's record. */
SB_EXTERN int sb_file_info(sb_db* db, char** out_json, const char* token, int64_t file_id);

/* The file's bytes, checked against its SHA-256: *out_data (free with
 * sb_free()) holds *out_len bytes. On failure *out_data is NULL and *out_len 0.
 * SB_ESTORAGE when the content is missing or damaged. */
SB_EXTERN int sb_file_read(sb_db* db, void** out_data, size_t* out_len, const char* token,
                           int64_t file_id);

/* Up to `length` bytes of the file from byte `offset` (fewer at its end, none
 * from its end on), read without loading the rest; freed and returned as for
 * sb_file_read. The part is not checked against the SHA-256; the content must
 * have the file's size (SB_ESTORAGE otherwise). SB_EINVALID: an offset below 0
 * or past the end (field "offset"), a length below 0 (field "length"). */
SB_EXTERN int sb_file_read_range(sb_db* db, void** out_data, size_t* out_len, const char* token,
                                 int64_t file_id, int64_t offset, int64_t length);

/* The files the caller sees, newest first; filters id, name, mime, sha256,
 * uploaded_by, created_on. *out_json = {"total","items":[file ...]}. */
SB_EXTERN int sb_file_list(sb_db* db, char** out_json, const char* token,
                           const char* query_json);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* SWITCHBOARD_FILES_H */
