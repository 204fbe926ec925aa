/* kubia, the app of "Kubernetes in Action", as a wasi:http/incoming-handler
 * component: every request is answered "You've hit <hostname>\n", so a client
 * behind a Service sees which pod served it. HOSTNAME is the pod name, set by
 * the runtime as Kubernetes does. Each request is logged on stdout so the
 * pod's logs show the traffic.
 *
 * The environment and stdout are read and written through wasi:cli directly
 * rather than through libc's getenv and write: those go through the preview1
 * adapter, whose fd_write drags wasi:filesystem imports and ~19 KB into the
 * component. libc is only used for malloc and string functions. */
#include <stdlib.h>
#include <string.h>

#include "wasi_imports.h"

/* The canonical ABI allocates the strings and lists the host hands us
 * through this export. It must not fail quietly: a NULL would be taken as
 * an address, so trap instead. */
__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  (void)align; /* malloc's alignment covers the ABI's largest (8) */
  void *result = realloc(ptr, new_size);
  if (!result && new_size > 0) __builtin_trap();
  return result;
}

/* --- strings ------------------------------------------------------------ */

struct text {
  char *data;
  size_t len;
};

/* Concatenates the parts into a malloc'd text; data is NULL if memory ran
 * out. Parts are host strings, so they need not be NUL-terminated. */
static struct text concat(const struct host_string *parts, size_t count) {
  size_t len = 0;
  for (size_t i = 0; i < count; i++) len += parts[i].len;
  struct text text = {malloc(len + 1), len};
  if (!text.data) return text;
  char *end = text.data;
  for (size_t i = 0; i < count; i++) {
    memcpy(end, parts[i].ptr, parts[i].len);
    end += parts[i].len;
  }
  *end = '\0';
  return text;
}

#define LITERAL(s) ((struct host_string){(char *)(s), sizeof(s) - 1})

/* --- streams ------------------------------------------------------------- */

/* Writes all of data in chunks the host accepts. Stops at the first error
 * (for the body: the client went away) after releasing its error resource;
 * -1 then. */
static int write_stream(handle_t stream, const char *data, size_t len) {
  for (size_t done = 0; done < len;) {
    size_t chunk = len - done;
    if (chunk > OUTPUT_STREAM_MAX_WRITE) chunk = OUTPUT_STREAM_MAX_WRITE;
    struct result_stream_error written;
    output_stream_blocking_write_and_flush(stream, data + done, chunk, &written);
    if (written.is_err) {
      if (written.error_tag == STREAM_ERROR_LAST_OPERATION_FAILED) io_error_drop(written.error);
      return -1;
    }
    done += chunk;
  }
  return 0;
}

/* --- logging -------------------------------------------------------------- */

static const struct host_string method_names[] = {
    [METHOD_GET] = LITERAL("GET"),         [METHOD_HEAD] = LITERAL("HEAD"),
    [METHOD_POST] = LITERAL("POST"),       [METHOD_PUT] = LITERAL("PUT"),
    [METHOD_DELETE] = LITERAL("DELETE"),   [METHOD_CONNECT] = LITERAL("CONNECT"),
    [METHOD_OPTIONS] = LITERAL("OPTIONS"), [METHOD_TRACE] = LITERAL("TRACE"),
    [METHOD_PATCH] = LITERAL("PATCH"),
};

/* "Received request for GET /path?query" on stdout, written and flushed in
 * one call so the line reaches the log whole and at once. Logging is best
 * effort: a failure never affects the response. */
static void log_request(handle_t request) {
  struct method method;
  struct option_string path;
  incoming_request_method(request, &method);
  incoming_request_path_with_query(request, &path);

  const struct host_string parts[] = {
      LITERAL("Received request for "),
      method.tag == METHOD_OTHER ? method.other : method_names[method.tag],
      LITERAL(" "),
      path.is_some ? path.value : LITERAL("/"),
      LITERAL("\n"),
  };
  struct text line = concat(parts, sizeof parts / sizeof parts[0]);
  if (line.data) {
    /* stdout is owned for the life of the instance: one handle serves all. */
    static handle_t stdout_stream = -1;
    if (stdout_stream < 0) stdout_stream = cli_get_stdout();
    write_stream(stdout_stream, line.data, line.len);
    free(line.data);
  }
  if (method.tag == METHOD_OTHER) free(method.other.ptr);
  if (path.is_some) free(path.value.ptr);
}

/* --- the response ------------------------------------------------------- */

/* HOSTNAME from the environment the host gives ("unknown" if unset or
 * empty). The host allocated the whole list for us: every string and the
 * list itself are freed. */
static struct text read_greeting(void) {
  struct environment env;
  cli_get_environment(&env);
  struct host_string hostname = LITERAL("unknown");
  for (size_t i = 0; i < env.count; i++) {
    const struct host_string name = env.variables[i].name;
    const struct host_string value = env.variables[i].value;
    if (name.len == 8 && memcmp(name.ptr, "HOSTNAME", 8) == 0 && value.len > 0) hostname = value;
  }
  const struct host_string parts[] = {LITERAL("You've hit "), hostname, LITERAL("\n")};
  struct text greeting = concat(parts, sizeof parts / sizeof parts[0]);
  for (size_t i = 0; i < env.count; i++) {
    free(env.variables[i].name.ptr);
    free(env.variables[i].value.ptr);
  }
  free(env.variables);
  return greeting;
}

/* "You've hit <hostname>\n", built on the first request: HOSTNAME is fixed
 * for the life of the pod. */
static struct text greeting(void) {
  static struct text cached;
  if (!cached.data) cached = read_greeting();
  return cached;
}

static handle_t response_headers(void) {
  static const char name[] = "content-type";
  static const char value[] = "text/plain";
  const struct header_entry entries[] = {
      {name, sizeof name - 1, (const uint8_t *)value, sizeof value - 1},
  };
  struct result_handle headers;
  fields_from_list(entries, 1, &headers);
  /* A constant, valid header cannot be refused; should a host do it anyway,
   * answer without it rather than not at all. */
  return headers.is_err ? fields_new() : headers.handle;
}

static void write_body(handle_t body, struct text text) {
  struct result_handle stream;
  outgoing_body_write(body, &stream);
  if (stream.is_err) return;
  write_stream(stream.handle, text.data, text.len);
  /* The stream is a child of the body: it must go before finish. */
  output_stream_drop(stream.handle);
}

static void respond_internal_error(handle_t response_out) {
  /* err(internal-error(none)): error-code's tag, then its option's tag 0. */
  response_outparam_set(response_out, 1, ERROR_CODE_INTERNAL_ERROR, 0, 0, 0, 0, 0, 0);
}

__attribute__((export_name("wasi:http/incoming-handler@0.2.12#handle")))
void handle(handle_t request, handle_t response_out) {
  log_request(request);
  incoming_request_drop(request);

  struct text text = greeting();
  if (!text.data) {
    respond_internal_error(response_out);
    return;
  }
  handle_t response = outgoing_response_new(response_headers());
  struct result_handle body;
  outgoing_response_body(response, &body);
  if (body.is_err) {
    outgoing_response_drop(response);
    respond_internal_error(response_out);
    return;
  }
  /* Status 200 is the default. Set the response before writing so the
   * headers can go out while the body streams. */
  response_outparam_set(response_out, 0, response, 0, 0, 0, 0, 0, 0);
  write_body(body.handle, text);
  /* Finish even after a failed write: it releases the body and ends the
   * response. It can only fail on a Content-Length mismatch or bad trailers,
   * neither possible here, so its error (which may own host-allocated
   * strings) is not inspected. */
  struct result_error_code finished;
  outgoing_body_finish(body.handle, 0, 0, &finished);
}
