#ifndef CCURLSHIM_H
#define CCURLSHIM_H

#include <stddef.h>
#include <stdint.h>

/// One HTTP exchange through libcurl, loaded at run time with dlopen
/// (no curl headers or -dev package needed to build).
typedef struct {
    const char *method;               /* "GET", "POST", "PUT", ... */
    const char *url;
    const char *const *headers;       /* "Name: value" lines */
    size_t header_count;
    const uint8_t *body;
    size_t body_length;
    long timeout_ms;                  /* whole transfer */
    long connect_timeout_ms;
    int verify_peer;                  /* 0 turns certificate verification off */
    int verify_host;                  /* 0 turns host name verification off */
    const char *ca_file;              /* PEM bundle path, or NULL */
    const int *cancelled;             /* polled during the transfer; non-zero aborts */
    size_t max_response_bytes;        /* a longer body aborts the transfer; 0 means 1 MiB */
    const uint8_t *ca_blob;           /* PEM certificates to trust, in memory (the system's and
                                         ca_file's together), or NULL */
    size_t ca_blob_length;
    const char *proxy;                /* proxy URL, or NULL for none (libcurl's own reading of
                                         http_proxy & co. is always off) */
} mcurl_request;

typedef struct {
    long status;
    uint8_t *body;                    /* malloc'd; free with mcurl_response_free */
    size_t body_length;
    char *headers;                    /* raw header lines, malloc'd */
    size_t headers_length;
    int curl_code;                    /* CURLcode; 0 is success */
    int too_large;                    /* 1: the body passed its limit; 2: the headers did */
    char error[256];
} mcurl_response;

/// 1 if libcurl could be loaded; otherwise 0 and a reason in `error`.
int mcurl_available(char *error, size_t error_length);

/// Performs the request (blocking). Returns the CURLcode (0 on success);
/// `response` is filled in either case and must be freed.
int mcurl_perform(const mcurl_request *request, mcurl_response *response);

void mcurl_response_free(mcurl_response *response);

#endif
