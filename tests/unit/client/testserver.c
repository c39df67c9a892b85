/* Scriptable HTTP test server (see testserver.h). */
#include "testserver.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQ 4096
#define MAX_CONN 512

struct ts_server {
	int lfd, port;
	char url[64];
	ts_handler handler;
	void *ctx;
	SSL_CTX *tls; /* NULL: plain HTTP */
	pthread_t acceptor;
	pthread_mutex_t lock;
	/* guarded by lock: */
	bool stop;
	struct ts_request *reqs[MAX_REQ];
	int n_req;
	int inflight, max_inflight;
	pthread_t conns[MAX_CONN];
	int n_conns;
};

struct conn {
	struct ts_server *s;
	int fd;
	SSL *ssl;
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static bool stopping(struct ts_server *s)
{
	pthread_mutex_lock(&s->lock);
	bool st = s->stop;
	pthread_mutex_unlock(&s->lock);
	return st;
}

/* Reads more bytes into buf; 0 on EOF/stop/error. */
static ssize_t read_more(struct ts_server *s, struct conn *cn, char *buf, size_t cap)
{
	int fd = cn->fd;
	for (;;) {
		if (stopping(s))
			return 0;
		if (cn->ssl && SSL_pending(cn->ssl) > 0) {
			int n = SSL_read(cn->ssl, buf, (int)cap);
			return n > 0 ? n : 0;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, 50);
		if (r == 0)
			continue;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return 0;
		if (cn->ssl) {
			int n = SSL_read(cn->ssl, buf, (int)cap);
			if (n <= 0 && SSL_get_error(cn->ssl, n) == SSL_ERROR_WANT_READ)
				continue;
			return n > 0 ? n : 0;
		}
		ssize_t n = read(fd, buf, cap);
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? 0 : n;
	}
}

static void write_all(struct conn *cn, const char *p, size_t n)
{
	int fd = cn->fd;
	if (cn->ssl) {
		while (n > 0) {
			int w = SSL_write(cn->ssl, p, (int)n);
			if (w <= 0)
				return;
			p += w;
			n -= (size_t)w;
		}
		return;
	}
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void parse_head(struct ts_request *r, char *head)
{
	char *save = NULL;
	char *line = strtok_r(head, "\r\n", &save);
	if (!line)
		return;
	char target[6000] = "";
	sscanf(line, "%15s %5999s", r->method, target);
	char *q = strchr(target, '?');
	if (q) {
		*q = '\0';
		snprintf(r->query, sizeof(r->query), "%s", q + 1);
	}
	snprintf(r->path, sizeof(r->path), "%s", target);
	while ((line = strtok_r(NULL, "\r\n", &save)) && r->n_hdr < TS_MAX_HDR) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		char *v = colon + 1;
		while (*v == ' ')
			v++;
		size_t i = 0;
		for (; line[i] && i + 1 < sizeof(r->hdr[0].name); i++)
			r->hdr[r->n_hdr].name[i] = (char)tolower((unsigned char)line[i]);
		r->hdr[r->n_hdr].name[i] = '\0';
		snprintf(r->hdr[r->n_hdr].value, sizeof(r->hdr[0].value), "%s", v);
		r->n_hdr++;
	}
}

const char *ts_header(const struct ts_request *r, const char *lower_name)
{
	for (int i = 0; i < r->n_hdr; i++)
		if (strcmp(r->hdr[i].name, lower_name) == 0)
			return r->hdr[i].value;
	return NULL;
}

void ts_body(struct ts_response *r, int status, const char *json)
{
	r->status = status;
	free(r->body);
	r->body = json ? strdup(json) : NULL;
}

static void sleep_ms_checked(struct ts_server *s, int ms)
{
	while (ms > 0 && !stopping(s)) {
		int step = ms > 20 ? 20 : ms;
		struct timespec ts = {0, step * 1000000L};
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

static void *conn_main(void *arg)
{
	struct conn *cn = arg;
	struct ts_server *s = cn->s;
	int fd = cn->fd;
	if (s->tls) {
		cn->ssl = SSL_new(s->tls);
		SSL_set_fd(cn->ssl, fd);
		if (SSL_accept(cn->ssl) <= 0) {
			SSL_free(cn->ssl);
			close(fd);
			free(cn);
			return NULL;
		}
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		char *end;
		while (!(end = memmem(buf, len, "\r\n\r\n", 4))) {
			if (len + 4096 > cap)
				buf = realloc(buf, cap *= 2);
			ssize_t n = read_more(s, cn, buf + len, cap - len);
			if (n <= 0)
				goto out;
			len += (size_t)n;
		}
		size_t head_len = (size_t)(end - buf) + 4;
		struct ts_request *r = calloc(1, sizeof(*r));
		r->t_us = now_us();
		char *head = strndup(buf, head_len);
		parse_head(r, head);
		free(head);
		const char *cl = ts_header(r, "content-length");
		size_t blen = cl ? strtoul(cl, NULL, 10) : 0;
		while (len < head_len + blen) {
			if (head_len + blen + 1 > cap)
				buf = realloc(buf, cap = head_len + blen + 1);
			ssize_t n = read_more(s, cn, buf + len, cap - len);
			if (n <= 0) {
				free(r);
				goto out;
			}
			len += (size_t)n;
		}
		r->body = malloc(blen + 1);
		memcpy(r->body, buf + head_len, blen);
		r->body[blen] = '\0';
		r->body_len = blen;
		memmove(buf, buf + head_len + blen, len - head_len - blen);
		len -= head_len + blen;

		pthread_mutex_lock(&s->lock);
		if (s->n_req < MAX_REQ) {
			r->seq = s->n_req;
			s->reqs[s->n_req++] = r;
		} else {
			r->seq = -1;
		}
		s->inflight++;
		if (s->inflight > s->max_inflight)
			s->max_inflight = s->inflight;
		pthread_mutex_unlock(&s->lock);

		struct ts_response resp = {.status = 200};
		s->handler(s->ctx, r, &resp);
		if (r->seq < 0) {
			free(r->body);
			free(r);
		}
		if (resp.delay_ms > 0)
			sleep_ms_checked(s, resp.delay_ms);
		bool close_after = resp.action != TS_RESPOND;
		if (resp.action != TS_RESET) {
			size_t bl = resp.body ? strlen(resp.body) : 0;
			char *msg = NULL;
			int ml = asprintf(&msg,
					  "HTTP/1.1 %d Test\r\nContent-Type: application/json\r\n"
					  "Content-Length: %zu\r\n%s\r\n%s",
					  resp.status, bl + (resp.action == TS_TRUNCATE ? 100 : 0),
					  resp.headers, resp.body ? resp.body : "");
			if (ml > 0)
				write_all(cn, msg, (size_t)ml); /* one write: no Nagle delay */
			free(msg);
		}
		free(resp.body);
		pthread_mutex_lock(&s->lock);
		s->inflight--;
		pthread_mutex_unlock(&s->lock);
		if (close_after)
			goto out;
	}
out:
	free(buf);
	if (cn->ssl) {
		SSL_shutdown(cn->ssl);
		SSL_free(cn->ssl);
	}
	close(fd);
	free(cn);
	return NULL;
}

static void *accept_main(void *arg)
{
	struct ts_server *s = arg;
	while (!stopping(s)) {
		struct pollfd p = {.fd = s->lfd, .events = POLLIN};
		if (poll(&p, 1, 50) <= 0)
			continue;
		int fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		struct conn *cn = calloc(1, sizeof(*cn));
		cn->s = s;
		cn->fd = fd;
		pthread_mutex_lock(&s->lock);
		if (s->n_conns >= MAX_CONN ||
		    pthread_create(&s->conns[s->n_conns], NULL, conn_main, cn) != 0) {
			pthread_mutex_unlock(&s->lock);
			close(fd);
			free(cn);
			continue;
		}
		s->n_conns++;
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

struct ts_server *ts_start(ts_handler h, void *ctx)
{
	return ts_start_tls(h, ctx, NULL, NULL);
}

struct ts_server *ts_start_tls(ts_handler h, void *ctx, const char *cert, const char *key)
{
	struct ts_server *s = calloc(1, sizeof(*s));
	s->handler = h;
	s->ctx = ctx;
	if (cert) {
		s->tls = SSL_CTX_new(TLS_server_method());
		if (!s->tls || SSL_CTX_use_certificate_chain_file(s->tls, cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(s->tls, key, SSL_FILETYPE_PEM) != 1) {
			SSL_CTX_free(s->tls);
			free(s);
			return NULL;
		}
	}
	pthread_mutex_init(&s->lock, NULL);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s->lfd, 128) < 0) {
		close(s->lfd);
		free(s);
		return NULL;
	}
	socklen_t al = sizeof(a);
	getsockname(s->lfd, (struct sockaddr *)&a, &al);
	s->port = ntohs(a.sin_port);
	snprintf(s->url, sizeof(s->url), "%s://127.0.0.1:%d", s->tls ? "https" : "http", s->port);
	pthread_create(&s->acceptor, NULL, accept_main, s);
	return s;
}

int ts_port(const struct ts_server *s)
{
	return s->port;
}
const char *ts_url(const struct ts_server *s)
{
	return s->url;
}

void ts_stop(struct ts_server *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->acceptor, NULL);
	for (int i = 0; i < s->n_conns; i++)
		pthread_join(s->conns[i], NULL);
	close(s->lfd);
	for (int i = 0; i < s->n_req; i++) {
		free(s->reqs[i]->body);
		free(s->reqs[i]);
	}
	pthread_mutex_destroy(&s->lock);
	SSL_CTX_free(s->tls);
	free(s);
}

int ts_count(struct ts_server *s)
{
	pthread_mutex_lock(&s->lock);
	int n = s->n_req;
	pthread_mutex_unlock(&s->lock);
	return n;
}

int ts_max_inflight(struct ts_server *s)
{
	pthread_mutex_lock(&s->lock);
	int n = s->max_inflight;
	pthread_mutex_unlock(&s->lock);
	return n;
}

const struct ts_request *ts_request_at(struct ts_server *s, int i)
{
	pthread_mutex_lock(&s->lock);
	const struct ts_request *r = i >= 0 && i < s->n_req ? s->reqs[i] : NULL;
	pthread_mutex_unlock(&s->lock);
	return r;
}
