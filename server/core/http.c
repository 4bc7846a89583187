/* http.c -- libmicrohttpd set-up and the per-request life cycle.
 *
 * Thread model: MHD's epoll thread pool, config.threads workers, fed by
 * one accepting thread (core/listen.c) that spreads connections evenly
 * over them; each request runs start to finish on one worker, which owns
 * one database connection (db.c). A request's struct req is made on its
 * first call, when the session and the route's roles are checked before
 * any body is accepted; the next calls bring the body, into memory (under
 * the route's limit and a limit for all requests together) or into a file
 * (routes with ROUTE_STREAM_BODY); the last call runs the handler; the
 * request is freed, and its file removed, when MHD reports it complete. A
 * reply is a buffer, a file, or a producer MHD pulls from as the client
 * reads. */
#include "core/http.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <errno.h>
#include <unistd.h>
#include <microhttpd.h>
#include <sodium.h>

#include "core/app.h"
#include "core/defer.h"
#include "config.h"
#include "core/guard.h"
#include "core/listen.h"
#include "core/reply.h"
#include "lib/addr.h"
#include "lib/utf8.h"
#include "log.h"

/* 'wasm-unsafe-eval' lets the page compile WebAssembly (libsodium's build,
 * which seals proposals in the browser) and nothing else: no eval, no
 * inline script (docs/security.md). */
#define CSP "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " \
	"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; " \
	"base-uri 'none'; form-action 'self'"

struct http_req {
	struct req r;            /* first: what the handlers see */
	struct timespec started;
	struct timespec body_started;    /* admitted: the body's clock starts */
	bool too_large;
	bool no_memory;          /* the bodies in flight passed their limit */
	bool sink_failed;        /* the disk refused the streamed body */
	bool first_done;
	bool refused;            /* answered from the headers; sent on the last call */
	size_t cap;              /* of r.body; counted in body_memory */
	size_t limit;            /* body limit of the route */
	uint64_t received;
	bool to_file;
	struct body_sink sink;
	struct guard_conn *guard;    /* the connection's watch entry, or NULL */
	struct MHD_Connection *conn;
	bool suspended;          /* waiting for work in the pool (core/defer.c) */
	struct defer_job job;
};

/* libmicrohttpd's memory for one connection: the request's headers and
 * the reply's. It zeroes all of it after every request, which at 64 KiB
 * was a tenth of a small GET's CPU; 32 KiB still takes a single header
 * of 12 KiB (three full-size browser cookies) and 28 KiB of headers in
 * all, more than nginx's or Node's defaults. Past it, 431. */
#define CONNECTION_MEMORY ((size_t)32 * 1024)

static struct MHD_Daemon *daemon_;
/* Bytes of request bodies held in memory by all requests together. */
static atomic_size_t body_memory;
/* Requests begun and not yet complete (their reply sent or the client
 * gone), and whether the server is draining them to stop. */
static atomic_uint inflight;
static atomic_bool stopping;

static char *
header_dup(struct MHD_Connection *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);

	return v ? strdup(v) : NULL;
}

static enum MHD_Result
query_collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct req *r = cls;

	(void)kind;
	if (r->nquery == REQ_MAX_QUERY) {
		r->query_overflow = true;
		return MHD_NO;
	}
	r->query[r->nquery].key = strdup(key);
	r->query[r->nquery].value = strdup(value ? value : "");
	r->nquery++;
	return MHD_YES;
}

/* 16 random bytes without a system call each request (getrandom was one
 * in nine of a GET's): ChaCha20 under a key of this thread's, drawn
 * once, with a counter as its nonce, so that no two ids repeat and none
 * can be guessed from another. */
static void
random_id(unsigned char raw[16])
{
	static _Thread_local unsigned char key[crypto_stream_chacha20_KEYBYTES];
	static _Thread_local uint64_t counter;
	unsigned char nonce[crypto_stream_chacha20_NONCEBYTES] = { 0 };

	if (counter++ == 0)
		randombytes_buf(key, sizeof(key));
	memcpy(nonce, &counter, sizeof(counter));
	crypto_stream_chacha20(raw, 16, nonce, key);
}

/* Echoes a client's X-Request-Id when it is short and plain, else makes one. */
static void
request_id(struct MHD_Connection *c, struct req *r)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
	unsigned char raw[16];

	if (v != NULL && *v && strlen(v) < sizeof(r->request_id) &&
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	    strlen(v)) {
		strcpy(r->request_id, v);
		return;
	}
	random_id(raw);
	sodium_bin2hex(r->request_id, sizeof(r->request_id), raw, sizeof(raw));
}

static enum MHD_Result
xff_collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	char *xff = cls;
	size_t len = strlen(xff);

	(void)kind;
	if (strcasecmp(key, "X-Forwarded-For") != 0 || value == NULL)
		return MHD_YES;
	if (len + strlen(value) + 2 > 1024) {
		xff[0] = '\0';          /* too long to trust any of it */
		return MHD_NO;
	}
	snprintf(xff + len, 1024 - len, "%s%s", len ? "," : "", value);
	return MHD_YES;
}

/* What a connection keeps from its start to its end: its entry in the
 * watch, and its peer's address as text, which every request on it
 * would otherwise format and parse again. */
struct conn_ctx {
	struct guard_conn *guard;    /* or NULL */
	char peer[ADDR_TEXT_LEN];    /* "" when unknown */
	char client[ADDR_TEXT_LEN];  /* the peer's canonical form, lib/addr.c */
};

static void
peer_text(struct MHD_Connection *c, char peer[ADDR_TEXT_LEN])
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	peer[0] = '\0';
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    peer, ADDR_TEXT_LEN);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    peer, ADDR_TEXT_LEN);
}

static struct conn_ctx *
conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

/* The peer's address, or the client's behind a trusted proxy (lib/addr.c):
 * used for throttling, the audit trail and the log. */
static void
client_addr(struct MHD_Connection *c, const struct conn_ctx *cc, struct req *r)
{
	char peer[ADDR_TEXT_LEN], xff[1024] = "";

	if (cc != NULL && config.trusted_proxies.n == 0) {
		memcpy(r->client_addr, cc->client, sizeof(cc->client));
		return;
	}
	if (cc != NULL)
		memcpy(peer, cc->peer, sizeof(peer));
	else
		peer_text(c, peer);
	if (config.trusted_proxies.n > 0)
		MHD_get_connection_values(c, MHD_HEADER_KIND, xff_collect, xff);
	addr_client(&config.trusted_proxies, peer, xff[0] ? xff : NULL, r->client_addr);
}

static struct http_req *
http_req_new(struct MHD_Connection *c, const struct conn_ctx *cc, const char *url,
    const char *method)
{
	struct http_req *h = calloc(1, sizeof(*h));
	struct req *r;

	if (h == NULL)
		return NULL;
	atomic_fetch_add(&inflight, 1);
	clock_gettime(CLOCK_MONOTONIC, &h->started);
	h->sink.fd = -1;
	h->conn = c;
	r = &h->r;
	r->reply_fd = -1;
	r->method = method;
	r->path = url;
	request_id(c, r);
	client_addr(c, cc, r);
	r->content_type = header_dup(c, MHD_HTTP_HEADER_CONTENT_TYPE);
	r->authorization = header_dup(c, MHD_HTTP_HEADER_AUTHORIZATION);
	r->cookie = header_dup(c, MHD_HTTP_HEADER_COOKIE);
	r->origin = header_dup(c, "Origin");
	r->host = header_dup(c, MHD_HTTP_HEADER_HOST);
	r->accept = header_dup(c, MHD_HTTP_HEADER_ACCEPT);
	r->accept_encoding = header_dup(c, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	r->if_match = header_dup(c, MHD_HTTP_HEADER_IF_MATCH);
	r->if_none_match = header_dup(c, MHD_HTTP_HEADER_IF_NONE_MATCH);
	r->idempotency_key = header_dup(c, "Idempotency-Key");
	r->proposal_signature = header_dup(c, "Proposal-Signature");
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_collect, r);
	return h;
}

/* Appends a chunk of the body; past the limit, only notes it. */
static void
body_append(struct http_req *h, const char *data, size_t len)
{
	struct req *r = &h->r;
	char *grown;

	if (h->too_large || h->no_memory || r->body_len + len > h->limit) {
		h->too_large = !h->no_memory;
		return;
	}
	if (r->body_len + len + 1 > h->cap) {
		size_t cap = h->cap ? h->cap : 4096;

		while (cap < r->body_len + len + 1)
			cap *= 2;
		if (atomic_fetch_add(&body_memory, cap - h->cap) + cap - h->cap >
		    config.body_memory_limit) {
			atomic_fetch_sub(&body_memory, cap - h->cap);
			h->no_memory = true;
			return;
		}
		grown = realloc(r->body, cap);
		if (grown == NULL) {
			atomic_fetch_sub(&body_memory, cap - h->cap);
			h->no_memory = true;
			return;
		}
		r->body = grown;
		h->cap = cap;
	}
	memcpy(r->body + r->body_len, data, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
}

static void
add_headers(struct MHD_Response *resp, const struct req *r)
{
	size_t i;
	/* Files revalidate with their ETag; everything else is never stored,
	 * unless its handler said otherwise (public keys, open data). */
	bool never_store = !r->revalidate, own = false;

	for (i = 0; i < r->nheaders; i++)
		own |= strcasecmp(r->headers[i].key, "Cache-Control") == 0;

	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (!own)
		MHD_add_response_header(resp, "Cache-Control", never_store ? "no-store" : "no-cache");
	if (atomic_load(&stopping))      /* draining: no more on this connection */
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	if (r->reply_type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->reply_type);
	for (i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i].key, r->headers[i].value);
}

static ssize_t
producer_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct reply_producer *p = cls;
	ssize_t n = p->read(p->cls, buf, max);

	(void)pos;
	if (n > 0)
		return n;
	return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
}

/* MHD is done with the response: the download ended or the client left. */
static void
producer_free(void *cls)
{
	struct reply_producer *p = cls;

	p->release(p->cls);
	free(p);
}

static struct MHD_Response *
producer_response(struct req *r)
{
	struct reply_producer *p = malloc(sizeof(*p));
	struct MHD_Response *resp;

	if (p == NULL)
		return NULL;
	*p = r->producer;
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, producer_read,
	    p, producer_free);
	if (resp == NULL) {
		free(p);
		return NULL;
	}
	memset(&r->producer, 0, sizeof(r->producer));   /* MHD owns it now */
	return resp;
}

/* Turns the reply in r into an MHD response: the one place that maps a
 * handler's result to MHD_YES / MHD_NO. */
static enum MHD_Result
send_reply(struct MHD_Connection *c, struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->status == 0)
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the request was not answered");
	if (r->producer.read != NULL) {
		resp = producer_response(r);
	} else if (r->reply_fd >= 0) {
		resp = MHD_create_response_from_fd(r->reply_fd_size, r->reply_fd);
		if (resp != NULL)
			r->reply_fd = -1;        /* MHD closes it */
	} else {
		resp = MHD_create_response_from_buffer(r->reply_len, r->reply_body,
		    MHD_RESPMEM_MUST_FREE);
		if (resp != NULL)
			r->reply_body = NULL;    /* MHD frees it */
	}
	if (resp == NULL)
		return MHD_NO;
	add_headers(resp, r);
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static double
seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* MHD's own warnings (a refused connection over the per-address limit,
 * say) go through the rate-limited log. */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	log_vwarn(fmt, ap);
}

static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return utf8_percent_decode(s, false);
}

static enum MHD_Result
header_utf8(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	const char **bad = cls;

	(void)kind;
	if (!utf8_valid(key) || (value != NULL && !utf8_valid(value))) {
		*bad = key;
		return MHD_NO;
	}
	return MHD_YES;
}

/* Text the handlers and the logs see must be UTF-8: a path, query
 * parameter or header that is not (or holds an encoded NUL) is a 400. */
static int
utf8_or_reply(struct MHD_Connection *c, struct req *r)
{
	const char *bad = NULL;
	size_t i;

	if (!utf8_valid(r->path)) {
		reply_problem_with(r, PROBLEM_REQUEST_INVALID_UTF8,
		    json_pack("{s:s}", "part", "path"), "the path is not valid UTF-8, or holds %%00");
		return -1;
	}
	for (i = 0; i < r->nquery; i++)
		if (!utf8_valid(r->query[i].key) || !utf8_valid(r->query[i].value)) {
			reply_problem_with(r, PROBLEM_REQUEST_INVALID_UTF8,
			    json_pack("{s:s}", "part", "query"),
			    "a query parameter is not valid UTF-8, or holds %%00");
			return -1;
		}
	MHD_get_connection_values(c, MHD_HEADER_KIND, header_utf8, &bad);
	if (bad != NULL) {
		reply_problem_with(r, PROBLEM_REQUEST_INVALID_UTF8, json_pack("{s:s}", "part",
		    "header"), "a header is not valid UTF-8");
		return -1;
	}
	return 0;
}

static bool
has_body(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (cl != NULL && strtoull(cl, NULL, 10) > 0) ||
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
}

/* 413 naming the limit. */
static void
too_large_reply(struct http_req *h)
{
	reply_problem_with(&h->r, PROBLEM_REQUEST_BODY_TOO_LARGE, json_pack("{s:I}",
	    "limit_bytes", (json_int_t)h->limit), "the body is larger than the limit of %zu bytes",
	    h->limit);
}

/* First call: the headers. A refusal of a request with a body goes out
 * before the body is sent (with Expect: 100-continue the client then
 * sends none of it, and MHD closes the connection); one without a body
 * waits for the last call, so that the connection stays open. */
static enum MHD_Result
on_headers(struct MHD_Connection *c, struct http_req *h)
{
	struct req *r = &h->r;
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);

	if (utf8_or_reply(c, r) != 0 || app_admit(r) != 0) {
		if (has_body(c))
			return send_reply(c, r);
		h->refused = true;
		return MHD_YES;
	}
	h->to_file = r->match.route && (r->match.route->flags & ROUTE_STREAM_BODY);
	h->limit = h->to_file ? config.upload_limit : config.body_limit;
	if (!h->to_file && r->match.route && r->match.route->body_limit &&
	    r->match.route->body_limit < h->limit)
		h->limit = r->match.route->body_limit;
	if (cl != NULL && strtoull(cl, NULL, 10) > h->limit) {
		too_large_reply(h);
		return send_reply(c, r);
	}
	if (h->to_file && stream_sink_open(&h->sink, config.upload_dir) != 0) {
		log_warn("upload folder %s: %s\n", config.upload_dir,
		    strerror(errno));
		reply_problem(r, PROBLEM_UPLOAD_UNAVAILABLE,
		    "uploads cannot be stored just now; try again shortly");
		reply_header(r, "Retry-After", "30");
		return send_reply(c, r);
	}
	clock_gettime(CLOCK_MONOTONIC, &h->body_started);
	return MHD_YES;
}

/* Next calls: a piece of the body. MHD_NO drops a client that sends
 * slower than config.body_min_rate once the grace time has passed, timed
 * from its admission: the server's own wait (a database connection, the
 * session check) is not the client's slowness. */
static enum MHD_Result
on_body(struct http_req *h, const char *data, size_t len)
{
	double elapsed = seconds_since(&h->body_started);

	h->received += len;
	if (elapsed > config.body_grace_seconds &&
	    (double)h->received / elapsed < config.body_min_rate) {
		log_warn("request %s: body at %.0f bytes/s, dropped\n",
		    h->r.request_id, (double)h->received / elapsed);
		return MHD_NO;
	}
	if (!h->to_file)
		body_append(h, data, len);
	else if (h->received > h->limit)
		h->too_large = true;
	else if (!h->too_large && !h->sink_failed &&
	    stream_sink_write(&h->sink, data, len) != 0)
		h->sink_failed = true;
	return MHD_YES;
}

/* The pool finished the request's work: wake its connection (any thread). */
static void
deferred_done(void *cls)
{
	struct http_req *h = cls;

	MHD_resume_connection(h->conn);
}

/* Answers, or, when the handler handed work to the pool, suspends the
 * connection until it is done: the worker thread serves other requests
 * meanwhile, and MHD calls on_request again after the resume. */
static enum MHD_Result
answer(struct MHD_Connection *c, struct http_req *h)
{
	struct req *r = &h->r;

	if (r->defer.work == NULL)
		return send_reply(c, r);
	if (r->status != 0) {            /* replied anyway: the place is not needed */
		defer_release();
		memset(&r->defer, 0, sizeof(r->defer));
		return send_reply(c, r);
	}
	h->job.work = r->defer.work;
	h->job.arg = r->defer.arg;
	h->job.done = deferred_done;
	h->job.done_arg = h;
	r->defer.work = NULL;
	h->suspended = true;
	MHD_suspend_connection(c);
	defer_submit(&h->job);
	return MHD_YES;
}

/* Last call: the whole body is in; answer. */
static enum MHD_Result
on_complete_body(struct MHD_Connection *c, struct http_req *h)
{
	struct req *r = &h->r;

	if (h->too_large) {
		too_large_reply(h);
	} else if (h->no_memory) {
		reply_problem(r, PROBLEM_SERVER_BUSY,
		    "the server is receiving too much at once; try again shortly");
		reply_header(r, "Retry-After", "5");
	} else if (h->sink_failed) {
		reply_problem(r, PROBLEM_UPLOAD_UNAVAILABLE,
		    "the upload could not be stored; try again shortly");
		reply_header(r, "Retry-After", "30");
	} else {
		if (h->to_file) {
			stream_sink_finish(&h->sink);
			r->upload.present = true;
			r->upload.path = h->sink.path;
			r->upload.size = h->sink.size;
			r->upload.sha256 = h->sink.sha256;
		}
		app_handle(r);
	}
	return answer(c, h);
}

/* Each connection's life, for the watch on idle and slow connections. */
static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *ci;
	struct conn_ctx *cc;

	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		if ((cc = calloc(1, sizeof(*cc))) == NULL)
			return;          /* requests then find their address themselves */
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		cc->guard = ci ? guard_open(ci->connect_fd) : NULL;
		peer_text(c, cc->peer);
		addr_client(&config.trusted_proxies, cc->peer, NULL, cc->client);
		*socket_context = cc;
	} else if ((cc = *socket_context) != NULL) {
		if (cc->guard != NULL)
			guard_close(cc->guard);
		free(cc);
		*socket_context = NULL;
	}
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_req *h = *con_cls;
	struct conn_ctx *cc;
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	if (h == NULL) {
		cc = conn_of(c);
		h = http_req_new(c, cc, url, method);
		if (h == NULL)
			return MHD_NO;
		*con_cls = h;
		if ((h->guard = cc ? cc->guard : NULL) != NULL)
			guard_busy(h->guard);
		ret = on_headers(c, h);
		if (h->r.status != 0 && !h->refused)
			h->first_done = true;    /* answered: the body is never read */
		return ret;
	}
	if (h->suspended) {              /* resumed: the pool's work is done */
		h->suspended = false;
		app_resume(&h->r);
		return answer(c, h);
	}
	if (h->first_done) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		ret = on_body(h, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return ret;
	}
	h->first_done = true;
	if (h->refused)
		return send_reply(c, &h->r);
	return on_complete_body(c, h);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_req *h = *con_cls;

	(void)cls;
	(void)c;
	if (h == NULL)
		return;
	log_request(h->r.method, h->r.path, h->r.status, seconds_since(&h->started) * 1e3,
	    h->r.request_id, h->r.client_addr, toe != MHD_REQUEST_TERMINATED_COMPLETED_OK);
	stream_sink_discard(&h->sink);
	atomic_fetch_sub(&body_memory, h->cap);
	if (h->guard != NULL)
		guard_idle(h->guard);
	req_release(&h->r);
	free(h);
	*con_cls = NULL;
	atomic_fetch_sub(&inflight, 1);
}

int
http_start(void)
{
	struct sockaddr_in6 a6;
	struct sockaddr_in a4;
	const struct sockaddr *sa;
	unsigned port;

	if (defer_start(config.hash_threads, config.hash_queue) != 0)
		return -1;
	if (stream_dir_prepare(config.upload_dir) != 0) {
		log_warn("upload folder %s: %s\n", config.upload_dir,
		    strerror(errno));
		return -1;
	}
	if (stream_dir_prepare(config.proposal_dir) != 0) {
		log_warn("proposal folder %s: %s\n", config.proposal_dir, strerror(errno));
		return -1;
	}
	if (guard_start(config.header_timeout, config.connection_timeout, config.max_connections,
	    config.max_connections / 10 > 0 ? config.max_connections / 10 : 1) != 0)
		return -1;
	memset(&a4, 0, sizeof(a4));
	memset(&a6, 0, sizeof(a6));
	if (inet_pton(AF_INET, config.bind, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)config.port);
		sa = (const struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, config.bind, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)config.port);
		sa = (const struct sockaddr *)&a6;
	} else {
		log_warn("REGISTRY_BIND=%s is not an IP address\n", config.bind);
		return -1;
	}
	if (listen_open(sa, sa->sa_family == AF_INET6 ? sizeof(a6) : sizeof(a4), &port) != 0)
		return -1;
	daemon_ = MHD_start_daemon(
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET,   /* core/listen.c accepts */
	    0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,   /* first, to catch every message */
	    MHD_OPTION_THREAD_POOL_SIZE, config.threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, config.connection_timeout,
	    MHD_OPTION_CONNECTION_LIMIT, config.max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, config.max_connections < 200 ?
	    config.max_connections : 200U,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_END);
	if (daemon_ == NULL) {
		log_warn("cannot start libmicrohttpd on %s:%u\n", config.bind, port);
		listen_close();
		return -1;
	}
	if (listen_start(daemon_) != 0) {
		listen_close();
		MHD_stop_daemon(daemon_);
		daemon_ = NULL;
		return -1;
	}
	printf("listening on http://%s%s%s:%u\n", sa->sa_family == AF_INET6 ? "[" : "",
	    config.bind, sa->sa_family == AF_INET6 ? "]" : "", port);
	fflush(stdout);
	return 0;
}

void
http_stop(unsigned grace_seconds)
{
	struct timespec t0;

	if (daemon_ == NULL)
		return;
	/* Stop accepting, let every request under way finish and its reply
	 * go out (a commit whose client hears nothing is a lost answer), then
	 * close what is left: idle keep-alive connections, or whatever the
	 * grace time did not see through. */
	atomic_store(&stopping, true);
	listen_stop();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load(&inflight) > 0 && seconds_since(&t0) < grace_seconds)
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	if (atomic_load(&inflight) > 0)
		log_warn("stopping with %u requests still under way", atomic_load(&inflight));
	/* Work still in the pool resumes its connections before MHD stops. */
	defer_stop();
	MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	guard_stop();
}
