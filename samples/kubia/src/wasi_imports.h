/* The few wasi:http, wasi:io and wasi:cli functions kubia uses, declared by hand
 * as the canonical ABI lowers them for a wasm32 core module, so the sample
 * needs no binding generator. wit-component checks every signature here
 * against wit/world.wit when the component is built: a mistake fails the
 * build, it cannot slip through.
 *
 * Canonical ABI rules relied on (https://github.com/WebAssembly/component-model,
 * design/mvp/CanonicalABI.md):
 *  - A resource handle (own<T> or borrow<T>) is an i32.
 *  - A string or list<T> is passed as two i32s (pointer, length).
 *  - A result that flattens to more than one value is not returned: the
 *    caller passes a pointer to a "return area" as the last parameter and the
 *    host stores the value there, laid out as in linear memory.
 *  - Strings and lists the host returns are allocated through the module's
 *    exported cabi_realloc; the module owns (and frees) them.
 *  - In memory a variant/option/result is its discriminant (u8 here) followed
 *    by the payload at the payload's alignment; the types below spell out
 *    the layouts of the return areas used. */
#ifndef KUBIA_WASI_IMPORTS_H
#define KUBIA_WASI_IMPORTS_H

#include <stddef.h>
#include <stdint.h>

#define WASI_IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#define HTTP_TYPES "wasi:http/types@0.2.12"
#define IO_STREAMS "wasi:io/streams@0.2.12"
#define IO_ERROR "wasi:io/error@0.2.12"
#define CLI_STDOUT "wasi:cli/stdout@0.2.12"
#define CLI_ENVIRONMENT "wasi:cli/environment@0.2.12"

typedef int32_t handle_t;

/* result<own<T>> and result<own<T>, enum-like error>: tag, then the handle
 * (or the error's u8 case) at offset 4. Size 8, alignment 4. */
struct result_handle {
  uint8_t is_err;
  handle_t handle;
};

/* A string the host allocated through cabi_realloc. */
struct host_string {
  char *ptr;
  size_t len;
};

/* method: variant { get, head, post, put, delete, connect, options, trace,
 * patch, other(string) }: tag, then other's string at offset 4. Size 12. */
enum method_tag {
  METHOD_GET,
  METHOD_HEAD,
  METHOD_POST,
  METHOD_PUT,
  METHOD_DELETE,
  METHOD_CONNECT,
  METHOD_OPTIONS,
  METHOD_TRACE,
  METHOD_PATCH,
  METHOD_OTHER,
};
struct method {
  uint8_t tag;
  struct host_string other;
};

/* option<string>: tag (1 = some), then the string at offset 4. Size 12. */
struct option_string {
  uint8_t is_some;
  struct host_string value;
};

/* result<_, stream-error> where stream-error is
 * variant { last-operation-failed(own<error>), closed }: the result's tag,
 * then the stream-error at offset 4 (its tag, then the handle at offset 8). */
enum stream_error_tag { STREAM_ERROR_LAST_OPERATION_FAILED, STREAM_ERROR_CLOSED };
struct result_stream_error {
  uint8_t is_err;
  uint8_t error_tag;
  handle_t error;
};

/* result<_, error-code>: error-code holds u64 payloads, so it sits at offset
 * 8; its largest case makes it 32 bytes. Only the tag is read here. */
struct result_error_code {
  uint8_t is_err;
  _Alignas(8) uint8_t error_code[32];
};

/* get-environment's list<tuple<string, string>>: (pointer, count), and each
 * element two strings, four i32s. */
struct environment_variable {
  struct host_string name;
  struct host_string value;
};
struct environment {
  struct environment_variable *variables;
  size_t count;
};

/* One list<tuple<field-name, field-value>> element: a string and a
 * list<u8>, four i32s. */
struct header_entry {
  const char *name;
  size_t name_len;
  const uint8_t *value;
  size_t value_len;
};

/* error-code's cases are numbered in WIT order; internal-error(option<string>)
 * is the 39th. */
#define ERROR_CODE_INTERNAL_ERROR 38

/* --- incoming-request ------------------------------------------------- */

WASI_IMPORT(HTTP_TYPES, "[method]incoming-request.method")
void incoming_request_method(handle_t self, struct method *ret);

WASI_IMPORT(HTTP_TYPES, "[method]incoming-request.path-with-query")
void incoming_request_path_with_query(handle_t self, struct option_string *ret);

WASI_IMPORT(HTTP_TYPES, "[resource-drop]incoming-request")
void incoming_request_drop(handle_t self);

/* --- fields (headers) ------------------------------------------------- */

WASI_IMPORT(HTTP_TYPES, "[constructor]fields")
handle_t fields_new(void);

/* result<own<fields>, header-error> */
WASI_IMPORT(HTTP_TYPES, "[static]fields.from-list")
void fields_from_list(const struct header_entry *entries, size_t count, struct result_handle *ret);

/* --- outgoing-response and its body ----------------------------------- */

WASI_IMPORT(HTTP_TYPES, "[constructor]outgoing-response")
handle_t outgoing_response_new(handle_t headers);

WASI_IMPORT(HTTP_TYPES, "[method]outgoing-response.body")
void outgoing_response_body(handle_t self, struct result_handle *ret);

WASI_IMPORT(HTTP_TYPES, "[resource-drop]outgoing-response")
void outgoing_response_drop(handle_t self);

WASI_IMPORT(HTTP_TYPES, "[method]outgoing-body.write")
void outgoing_body_write(handle_t self, struct result_handle *ret);

/* finish(this: own<outgoing-body>, trailers: option<own<trailers>>): the
 * option flattens to (is_some, handle). */
WASI_IMPORT(HTTP_TYPES, "[static]outgoing-body.finish")
void outgoing_body_finish(handle_t self, int32_t has_trailers, handle_t trailers,
                          struct result_error_code *ret);

/* set(param: own<response-outparam>, response: result<own<outgoing-response>,
 * error-code>). A result parameter flattens to its tag, then the join of its
 * cases' flattenings, slot by slot. ok is one i32 (the handle). error-code
 * flattens to its tag plus six payload slots; the second payload slot is an
 * i64 because HTTP-request-body-size(option<u64>) puts its u64 there. So after
 * is_err come seven slots: the response handle or error-code's tag, then the
 * error's payload (zeros when ok). */
WASI_IMPORT(HTTP_TYPES, "[static]response-outparam.set")
void response_outparam_set(handle_t self, int32_t is_err, int32_t response_or_error_tag,
                           int32_t slot1, int64_t slot2, int32_t slot3, int32_t slot4,
                           int32_t slot5, int32_t slot6);

/* --- wasi:io ------------------------------------------------------------ */

/* blocking-write-and-flush(contents: list<u8>) -> result<_, stream-error>;
 * the host accepts at most 4096 bytes per call. */
#define OUTPUT_STREAM_MAX_WRITE 4096
WASI_IMPORT(IO_STREAMS, "[method]output-stream.blocking-write-and-flush")
void output_stream_blocking_write_and_flush(handle_t self, const void *data, size_t len,
                                            struct result_stream_error *ret);

WASI_IMPORT(IO_STREAMS, "[resource-drop]output-stream")
void output_stream_drop(handle_t self);

WASI_IMPORT(IO_ERROR, "[resource-drop]error")
void io_error_drop(handle_t self);

/* --- wasi:cli ----------------------------------------------------------- */

WASI_IMPORT(CLI_STDOUT, "get-stdout")
handle_t cli_get_stdout(void);

/* A list result flattens to two values, so it comes through a return area. */
WASI_IMPORT(CLI_ENVIRONMENT, "get-environment")
void cli_get_environment(struct environment *ret);

#endif
