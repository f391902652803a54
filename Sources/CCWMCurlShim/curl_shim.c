// A minimal libcurl client, loaded with dlopen. Written for this package.
//
// Option and info numbers are libcurl's stable ABI values (curl 7.x/8.x).
// curl_easy_setopt is variadic: it is declared with its real prototype so
// that each argument is passed the way the C ABI wants on every platform.

#include "CCWMCurlShim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void CURL;
struct curl_slist;
typedef int CURLcode;
/* libcurl's struct curl_blob (7.71+). */
struct mcurl_blob {
    void *data;
    size_t len;
    unsigned int flags;
};

enum {
    OPT_WRITEDATA = 10001,
    OPT_URL = 10002,
    OPT_PROXY = 10004,
    OPT_ERRORBUFFER = 10010,
    OPT_WRITEFUNCTION = 20011,
    OPT_POSTFIELDS = 10015,
    OPT_HTTPHEADER = 10023,
    OPT_HEADERDATA = 10029,
    OPT_CUSTOMREQUEST = 10036,
    OPT_NOPROGRESS = 43,
    OPT_XFERINFODATA = 10057,
    OPT_SSL_VERIFYPEER = 64,
    OPT_CAINFO = 10065,
    OPT_HEADERFUNCTION = 20079,
    OPT_HTTPGET = 80,
    OPT_FOLLOWLOCATION = 52,
    OPT_SSL_VERIFYHOST = 81,
    OPT_NOSIGNAL = 99,
    OPT_TIMEOUT_MS = 155,
    OPT_CONNECTTIMEOUT_MS = 156,
    OPT_XFERINFOFUNCTION = 20219,
    OPT_POSTFIELDSIZE_LARGE = 30120,
    OPT_CAINFO_BLOB = 40309,
    INFO_RESPONSE_CODE = 0x200002,
};

typedef CURL *(*easy_init_fn)(void);
typedef CURLcode (*easy_setopt_fn)(CURL *, int, ...);
typedef CURLcode (*easy_perform_fn)(CURL *);
typedef CURLcode (*easy_getinfo_fn)(CURL *, int, ...);
typedef void (*easy_cleanup_fn)(CURL *);
typedef void (*easy_reset_fn)(CURL *);
typedef struct curl_slist *(*slist_append_fn)(struct curl_slist *, const char *);
typedef void (*slist_free_all_fn)(struct curl_slist *);
typedef const char *(*easy_strerror_fn)(CURLcode);
typedef CURLcode (*global_init_fn)(long);

static struct {
    void *handle;
    easy_init_fn easy_init;
    easy_setopt_fn easy_setopt;
    easy_perform_fn easy_perform;
    easy_getinfo_fn easy_getinfo;
    easy_cleanup_fn easy_cleanup;
    easy_reset_fn easy_reset;
    slist_append_fn slist_append;
    slist_free_all_fn slist_free_all;
    easy_strerror_fn easy_strerror;
    char error[200];
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    /* Versioned sonames only (an unversioned or relative name could load
       whatever a library path or the working directory offers), and the
       macOS system library by its absolute path. */
    const char *names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "/usr/lib/libcurl.4.dylib"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !curl.handle; i++) {
        curl.handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!curl.handle) {
        snprintf(curl.error, sizeof(curl.error), "libcurl could not be loaded: %s", dlerror());
        return;
    }
    global_init_fn global_init = (global_init_fn)dlsym(curl.handle, "curl_global_init");
    curl.easy_init = (easy_init_fn)dlsym(curl.handle, "curl_easy_init");
    curl.easy_setopt = (easy_setopt_fn)dlsym(curl.handle, "curl_easy_setopt");
    curl.easy_perform = (easy_perform_fn)dlsym(curl.handle, "curl_easy_perform");
    curl.easy_getinfo = (easy_getinfo_fn)dlsym(curl.handle, "curl_easy_getinfo");
    curl.easy_cleanup = (easy_cleanup_fn)dlsym(curl.handle, "curl_easy_cleanup");
    curl.easy_reset = (easy_reset_fn)dlsym(curl.handle, "curl_easy_reset");
    curl.slist_append = (slist_append_fn)dlsym(curl.handle, "curl_slist_append");
    curl.slist_free_all = (slist_free_all_fn)dlsym(curl.handle, "curl_slist_free_all");
    curl.easy_strerror = (easy_strerror_fn)dlsym(curl.handle, "curl_easy_strerror");
    if (!global_init || !curl.easy_init || !curl.easy_setopt || !curl.easy_perform || !curl.easy_getinfo ||
        !curl.easy_cleanup || !curl.easy_reset || !curl.slist_append || !curl.slist_free_all || !curl.easy_strerror) {
        snprintf(curl.error, sizeof(curl.error), "libcurl is missing an expected function");
        curl.handle = NULL;
        return;
    }
    global_init(3); /* CURL_GLOBAL_ALL; libcurl's own global init is not thread-safe, hence the once */
}

/* Idle easy handles, kept between requests: each keeps its connections
   (and TLS sessions) open, so the next request to the same endpoint skips
   the TCP and TLS handshakes. curl_easy_reset clears the options, not the
   connections; curl only reuses a connection whose TLS settings match. */
#define POOL_SIZE 4
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static CURL *pool[POOL_SIZE];
static int pool_count;

static CURL *take_handle(void) {
    CURL *handle = NULL;
    pthread_mutex_lock(&pool_lock);
    if (pool_count > 0) handle = pool[--pool_count];
    pthread_mutex_unlock(&pool_lock);
    return handle ? handle : curl.easy_init();
}

/* Keeps a handle for the next request, or frees it (the pool is full, or
   the transfer failed and its connection is better not reused). */
static void give_back(CURL *handle, int reusable) {
    if (reusable) {
        /* Forgets this call's options and the buffers they point to now. */
        curl.easy_reset(handle);
        pthread_mutex_lock(&pool_lock);
        if (pool_count < POOL_SIZE) {
            pool[pool_count++] = handle;
            handle = NULL;
        }
        pthread_mutex_unlock(&pool_lock);
    }
    if (handle) curl.easy_cleanup(handle);
}

int mcurl_available(char *error, size_t error_length) {
    pthread_once(&load_once, load);
    if (curl.handle) return 1;
    if (error && error_length) snprintf(error, error_length, "%s", curl.error);
    return 0;
}

typedef struct {
    uint8_t *data;
    size_t length;
    size_t capacity;
    size_t limit;       /* the most bytes accepted; more aborts the transfer */
    int overflowed;
} buffer;

/* Returning fewer bytes than offered makes curl abort with CURLE_WRITE_ERROR. */
static size_t append(buffer *buffer, const char *data, size_t length) {
    if (length > buffer->limit - buffer->length) {
        buffer->overflowed = 1;
        return 0;
    }
    if (buffer->length + length + 1 > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity * 2 : 4096;
        while (capacity < buffer->length + length + 1) capacity *= 2;
        uint8_t *grown = realloc(buffer->data, capacity);
        if (!grown) return 0;
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->length, data, length);
    buffer->length += length;
    buffer->data[buffer->length] = 0;
    return length;
}

static size_t on_data(char *data, size_t size, size_t count, void *context) {
    return append((buffer *)context, data, size * count);
}

static int on_progress(void *context, long long dltotal, long long dlnow, long long ultotal, long long ulnow) {
    (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    const int *cancelled = (const int *)context;
    return cancelled && __atomic_load_n(cancelled, __ATOMIC_RELAXED) ? 1 : 0;
}

int mcurl_perform(const mcurl_request *request, mcurl_response *response) {
    memset(response, 0, sizeof(*response));
    if (!mcurl_available(response->error, sizeof(response->error))) {
        response->curl_code = 2; /* CURLE_FAILED_INIT */
        return response->curl_code;
    }
    CURL *handle = take_handle();
    if (!handle) {
        snprintf(response->error, sizeof(response->error), "curl_easy_init failed");
        response->curl_code = 2;
        return response->curl_code;
    }
    size_t limit = request->max_response_bytes ? request->max_response_bytes : (size_t)1 << 20;
    buffer body = {.limit = limit}, headers = {.limit = 64 * 1024};
    char error[256] = {0};
    struct curl_slist *header_list = NULL;
    CURLcode code = 0;
    const char *failed = NULL;
    for (size_t i = 0; i <= request->header_count && !failed; i++) {
        /* The last one: no "Expect: 100-continue" round trip; the body goes out at once. */
        const char *line = i < request->header_count ? request->headers[i] : "Expect:";
        struct curl_slist *grown = curl.slist_append(header_list, line);
        if (!grown) failed = "curl_slist_append";
        else header_list = grown;
    }

#define SET(option, value) \
    if (!failed && (code = curl.easy_setopt(handle, option, value)) != 0) failed = #option
    SET(OPT_URL, request->url);
    SET(OPT_NOSIGNAL, 1L);
    SET(OPT_ERRORBUFFER, error);
    SET(OPT_HTTPHEADER, header_list);
    SET(OPT_WRITEFUNCTION, on_data);
    SET(OPT_WRITEDATA, (void *)&body);
    SET(OPT_HEADERFUNCTION, on_data);
    SET(OPT_HEADERDATA, (void *)&headers);
    SET(OPT_TIMEOUT_MS, request->timeout_ms);
    SET(OPT_CONNECTTIMEOUT_MS, request->connect_timeout_ms);
    SET(OPT_SSL_VERIFYPEER, request->verify_peer ? 1L : 0L);
    SET(OPT_SSL_VERIFYHOST, request->verify_host ? 2L : 0L);
    if (request->ca_blob && request->ca_blob_length) {
        /* The system's bundle and the user's together, in memory: trust is
           added, whatever default CA file or path this libcurl was built with.
           A libcurl older than 7.77 does not know the option: then the file. */
        struct mcurl_blob blob = {(void *)request->ca_blob, request->ca_blob_length, 1 /* CURL_BLOB_COPY */};
        if (!failed && curl.easy_setopt(handle, OPT_CAINFO_BLOB, &blob) != 0 && request->ca_file) {
            SET(OPT_CAINFO, request->ca_file);
        }
    } else if (request->ca_file) {
        SET(OPT_CAINFO, request->ca_file);
    }
    SET(OPT_NOPROGRESS, 0L);
    SET(OPT_XFERINFOFUNCTION, on_progress);
    SET(OPT_XFERINFODATA, (void *)request->cancelled);
    /* Always set: "" turns off libcurl's own reading of the process's
       http_proxy/https_proxy/no_proxy, which the caller has already applied
       (or must ignore: instance metadata and container credentials). */
    SET(OPT_PROXY, request->proxy ? request->proxy : "");
    /* Redirects are never followed (curl's default, set explicitly). */
    SET(OPT_FOLLOWLOCATION, 0L);

    if (strcmp(request->method, "GET") == 0 && request->body_length == 0) {
        SET(OPT_HTTPGET, 1L);
    } else {
        static const uint8_t empty = 0;
        SET(OPT_POSTFIELDSIZE_LARGE, (long long)request->body_length);
        SET(OPT_POSTFIELDS, request->body_length ? (const void *)request->body : (const void *)&empty);
        if (strcmp(request->method, "POST") != 0) SET(OPT_CUSTOMREQUEST, request->method);
    }
#undef SET

    if (failed) {
        snprintf(response->error, sizeof(response->error), "libcurl refused %s (code %d)", failed, code);
        response->curl_code = 2; /* CURLE_FAILED_INIT */
        free(body.data);
        free(headers.data);
        curl.slist_free_all(header_list);
        give_back(handle, 0);
        return response->curl_code;
    }

    code = curl.easy_perform(handle);
    long status = 0;
    curl.easy_getinfo(handle, INFO_RESPONSE_CODE, &status);
    response->status = status;
    response->curl_code = code;
    /* 2: the headers were too large (no answer to read); 1: only the body. */
    response->too_large = headers.overflowed ? 2 : body.overflowed ? 1 : 0;
    if (response->too_large) {
        snprintf(response->error, sizeof(response->error), "the response is larger than %zu bytes", limit);
    } else if (code != 0) {
        snprintf(response->error, sizeof(response->error), "%s", error[0] ? error : curl.easy_strerror(code));
    }
    response->body = body.data;
    response->body_length = body.length;
    response->headers = (char *)headers.data;
    response->headers_length = headers.length;
    curl.slist_free_all(header_list);
    give_back(handle, code == 0 && !response->too_large);
    return code;
}

void mcurl_response_free(mcurl_response *response) {
    free(response->body);
    free(response->headers);
    response->body = NULL;
    response->headers = NULL;
}
