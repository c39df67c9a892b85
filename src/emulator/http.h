/* The libmicrohttpd callbacks of the request pipeline (request.c), for the
 * daemon set-up in server.c.  cls is the struct emu_server. */
#ifndef BSSFS_EMU_HTTP_H
#define BSSFS_EMU_HTTP_H

#include <microhttpd.h>

/* MHD_OPTION_URI_LOG_CALLBACK: allocates the per-request state, keeping
 * the raw request target. */
void *emu_http_uri_logger(void *cls, const char *uri, struct MHD_Connection *conn);
/* MHD_OPTION_NOTIFY_COMPLETED: frees it. */
void emu_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			enum MHD_RequestTerminationCode toe);
/* The access handler: reads the body, runs the pipeline, answers. */
enum MHD_Result emu_http_access(void *cls, struct MHD_Connection *conn, const char *url,
				const char *method, const char *version, const char *upload_data,
				size_t *upload_data_size, void **con_cls);

#endif
