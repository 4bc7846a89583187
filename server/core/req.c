/* req.c -- accessors of a request, and its release. */
#include "core/req.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *
req_query(const struct req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].key, name) == 0)
			return r->query[i].value;
	return NULL;
}

const char *
req_param(const struct req *r, const char *name)
{
	return router_param(&r->match, name);
}

void
req_release(struct req *r)
{
	size_t i;

	free(r->content_type);
	free(r->authorization);
	free(r->cookie);
	free(r->origin);
	free(r->host);
	free(r->accept);
	free(r->if_match);
	free(r->if_none_match);
	free(r->accept_encoding);
	free(r->idempotency_key);
	free(r->proposal_signature);
	free(r->body);
	free(r->reply_body);
	if (r->reply_fd >= 0)
		close(r->reply_fd);
	if (r->producer.release != NULL)
		r->producer.release(r->producer.cls);
	for (i = 0; i < r->nquery; i++) {
		free(r->query[i].key);
		free(r->query[i].value);
	}
	for (i = 0; i < r->nheaders; i++) {
		free(r->headers[i].key);
		free(r->headers[i].value);
	}
}
