// Generated from /openapi.json by scripts/api-client.ts: do not edit.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Alive. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Prometheus text exposition format. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: database reachable and migrations current
         * @description Anyone learns ready or not ready; why not is in the log, and in `detail` for a caller with the viewer role.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Ready. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ready";
                        };
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not ready; `detail` says why to viewers. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/anomalies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Data-quality anomalies, newest date first */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Dates on or after. */
                    from?: string;
                    kind?: "return_outlier" | "stale_series" | "placeholder_price" | "coverage_drop";
                    /** @description Items per page (1–200). */
                    limit?: number;
                    /** @description Anomalies of this printing id. */
                    printing?: string;
                    /** @description Default open; `all` for every status. */
                    status?: "open" | "acknowledged" | "dismissed" | "all";
                    /** @description A printing id or `market:<name>`. */
                    subject?: string;
                    /** @description Dates on or before. */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of anomalies. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Anomaly"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/anomalies/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Acknowledge or dismiss an anomaly (audited)
         * @description Open → acknowledged → dismissed. Acknowledging an acknowledged anomaly changes nothing; a dismissed anomaly stays dismissed (409).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ResolveAnomaly"];
                };
            };
            responses: {
                /** @description The anomaly after the change. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Anomaly"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such anomaly. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The anomaly is dismissed. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read the audit log, newest first */
        get: {
            parameters: {
                query?: {
                    action?: string;
                    actor?: string;
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Entries at or after this instant. */
                    from?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                    result?: "success" | "failure";
                    /** @description Entries before this instant. */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of entries. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AuditEntry"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/backups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Backups, newest first, with their manifests summarised and the last restore drill */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The backup registry. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Backup"][];
                            last_drill: components["schemas"]["RestoreDrill"];
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List deliveries, newest first */
        get: {
            parameters: {
                query?: {
                    channel?: "email" | "webhook" | "discord";
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    endpoint_id?: string;
                    event_type?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                    owner_id?: string;
                    /** @description Created at or after this instant. */
                    since?: string;
                    status?: "pending" | "delivered" | "dead" | "suppressed" | "cancelled";
                    /** @description Created before this instant. */
                    until?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of deliveries. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Delivery"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/deliveries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A delivery with its payload and every attempt */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The delivery. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DeliveryDetail"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such delivery. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/deliveries/{id}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Queue a delivery again, due now, with a fresh attempt budget
         * @description For a dead, suppressed, cancelled or delivered delivery. It keeps its id (so a webhook keeps its `webhook-id`); its attempt numbers continue.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Queued again. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Delivery"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such delivery. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description `delivery_pending`: it is already waiting to be sent. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/deliveries/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Queue every dead delivery that died in a time range again
         * @description Dead letters whose last attempt (`updated_at`) lies in [since, until), optionally of one channel or event type, are queued again with a fresh attempt budget, 500 per statement and at most `limit` (default and maximum 10000) per request. `until` is never later than the moment the request began, so a delivery that dies again meanwhile is not redriven twice. The answer says whether more remain; to continue, send the same request with the answered `until`.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        channel?: "email" | "webhook" | "discord";
                        event_type?: string;
                        /** @description Most dead letters queued again by this request (default 10000). */
                        limit?: number;
                        /** Format: date-time */
                        since: string;
                        /** Format: date-time */
                        until?: string;
                    };
                };
            };
            responses: {
                /** @description How many were queued again, whether more remain, and the end of the range used. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Dead letters of the range are left (the request hit `limit`). */
                            more: boolean;
                            redriven: number;
                            /** @description The end of the range used: `until`, or the moment the request began if earlier. */
                            until: string;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/deliveries/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Pending and dead deliveries per channel, and the oldest due one */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The backlog per channel (the same numbers as the delivery gauges of /metrics). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            channels: {
                                /** @enum {string} */
                                channel: "email" | "webhook" | "discord";
                                dead: number;
                                /** @description Due time of the oldest pending delivery already due. */
                                oldest_due_at: string | null;
                                pending: number;
                            }[];
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/errors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Problem answers per code over a window, most frequent first */
        get: {
            parameters: {
                query?: {
                    /** @description How far back from now: `15m`, `1h`, `24h`, `7d` … (at most 90d, and at most ROLLUP_RETENTION_DAYS when roll-ups are purged: a longer window is refused with a 422 problem rather than answered with counts that silently miss the purged minutes). */
                    window?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Counts per code from the per-minute request roll-ups of every process. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Start of the first roll-up minute counted. */
                            from: string;
                            items: components["schemas"]["ErrorCount"][];
                            /** @description Problem answers in the window (the sum of `items`). */
                            problems: number;
                            /** @description All requests in the window. */
                            requests: number;
                            /** @description Now: the current minute is counted as far as it is written. */
                            to: string;
                            window: string;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/ingestion/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Ingestion runs, newest first, with their accounting */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Only runs of this importer. */
                    importer?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                    /**
                     * @deprecated
                     * @description Deprecated alias of `importer` (removed in 0.4.0).
                     */
                    source?: string;
                    status?: "running" | "succeeded" | "partial" | "failed" | "abandoned";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of runs. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["IngestionRun"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/ingestion/runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One ingestion run */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The run. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["IngestionRun"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such run. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/ingestion/runs/{id}/unmatched": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Products whose price rows a run could not link, with a suggested card
         * @description Ordered by product id. Link one with `cardquant mapping add --product ID --card CARD`, then `cardquant import rematch RUN`.
         */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                    /** @description Only this reason. */
                    reason?: "code_card" | "accessory" | "sealed_product" | "unknown_card" | "unmapped_product" | "card_not_in_catalog" | "unmatched_product";
                    /** @description Only products of the TCGplayer group(s) this set is sold under. */
                    set?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of unmatched products. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UnmatchedProductList"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description `ingestion_run_not_found`: no run with this id. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API keys, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    include_revoked?: "true" | "false";
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of keys. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["ApiKey"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Create an API key (the key is shown once) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: date-time */
                        expires_at?: string;
                        name: string;
                        /** @description Existing principal; omitted: a new service principal is created. */
                        owner_id?: string;
                        /**
                         * @description viewer < operator < admin
                         * @enum {string}
                         */
                        role: "viewer" | "operator" | "admin";
                    };
                };
            };
            responses: {
                /** @description Created. `key` is the only copy of the secret. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            api_key: components["schemas"]["ApiKey"];
                            /** @example cqk_… */
                            key: string;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key (the record stays for audit) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Revoked. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiKey"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such key. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Already revoked (`api_key_already_revoked`), also when a concurrent revocation won. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/pipeline/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start pipeline steps now (in a separate process); poll the runs list */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        from?: string;
                        /**
                         * @description Empty: every step in order. `derive` is a deprecated alias of `read-models` (removed in 0.4.0).
                         * @default []
                         */
                        steps?: string[];
                        to?: string;
                    };
                };
            };
            responses: {
                /** @description Started. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            runs_url: string;
                            /** @enum {string} */
                            status: "started";
                            steps: string[];
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description `background_capacity_full`: MAX_CHILD_PROCESSES runs are already going (see Retry-After); `shutting_down`. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/pipeline/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Pipeline step runs, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                    /** @description A step; `derive` is a deprecated alias of `read-models` (removed in 0.4.0). */
                    step?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of step runs. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["PipelineRun"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/slo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every SLO: status (ok, ticket, page), budget remaining, burn rate per window, alert state */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every SLO, evaluated now. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alerts: {
                                burn_rate: number;
                                long_window_minutes: number;
                                /** @enum {string} */
                                severity: "page" | "ticket";
                                short_window_minutes: number;
                            }[];
                            evaluated_at: string;
                            items: components["schemas"]["SloStatus"][];
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/slo/objectives": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Per-route objectives: the configured ones and the default of every other public route */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every route objective. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["SloObjective"][];
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Configure a route's objective (overrides the default) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @example 0.999 */
                        availability_target: number;
                        /** @default true */
                        enabled?: boolean;
                        /** @example 0.999 */
                        latency_target: number;
                        /**
                         * @description Seconds; one of the latency buckets.
                         * @example 0.25
                         */
                        latency_threshold_seconds: number;
                        /** @enum {string} */
                        method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
                        route: string;
                    };
                };
            };
            responses: {
                /** @description Created. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SloObjective"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The route already has a configured objective (`slo_objective_exists`). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /** Delete a route's configured objective (a public route falls back to the default) */
        delete: {
            parameters: {
                query: {
                    method: string;
                    route: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No configured objective for the route (`slo_objective_not_found`). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a route's configured objective */
        patch: {
            parameters: {
                query: {
                    method: string;
                    route: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @example 0.999 */
                        availability_target?: number;
                        /** @default true */
                        enabled?: boolean;
                        /** @example 0.999 */
                        latency_target?: number;
                        /**
                         * @description Seconds; one of the latency buckets.
                         * @example 0.25
                         */
                        latency_threshold_seconds?: number;
                    };
                };
            };
            responses: {
                /** @description Changed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SloObjective"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No configured objective for the route (`slo_objective_not_found`). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/admin/slo/recommend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Per route: latency thresholds suggested from the observed distribution, with the breach ratio of each */
        get: {
            parameters: {
                query?: {
                    /** @description The share of requests a suggested threshold must hold, in (0, 1) (default 0.99). */
                    latency_target?: number;
                    /** @description How far back to look: hours (`24h`) or days (`7d`), at most 30 days. */
                    window?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Suggestions per route. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            from: string;
                            items: {
                                /** @description Share of requests without a 5xx. */
                                availability: number | null;
                                method: string;
                                requests: number;
                                route: string;
                                suggested_threshold_seconds: number | null;
                                thresholds: {
                                    /** @description Share of requests slower than the threshold. */
                                    breach_ratio: number;
                                    threshold_seconds: number;
                                }[];
                            }[];
                            to: string;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's alert rules, oldest first */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of rules. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AlertRule"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Create an alert rule */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["AlertRuleCreate"];
                };
            };
            responses: {
                /** @description Created, armed. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AlertRule"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such printing, card or endpoint (printing_not_found, card_not_found, endpoint_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The owner already holds ALERT_RULES_PER_OWNER rules (alert_rule_limit). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One alert rule */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The rule. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AlertRule"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such alert rule of this owner (alert_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete an alert rule and its firings */
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such alert rule of this owner (alert_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Edit, pause or resume an alert rule (an edited condition re-arms it) */
        patch: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["AlertRulePatch"];
                };
            };
            responses: {
                /** @description The rule after the edit. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AlertRule"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such alert rule of this owner, or no such endpoint. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/alerts/{id}/firings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A rule's firings, newest first, with the price, date and change that caused each */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of firings. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AlertFiring"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such alert rule of this owner (alert_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/{id}/snooze": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Snooze an alert rule until an instant or for some hours (`{until: null}` wakes it) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["AlertSnooze"];
                };
            };
            responses: {
                /** @description The rule. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AlertRule"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such alert rule of this owner (alert_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/backtests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Stored backtest runs, newest first (without equity curves) */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                    status?: "queued" | "running" | "succeeded" | "failed";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of runs. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["BacktestSummary"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Backtest the configured signal over stored data (small runs answer at once, large ones are queued)
         * @description A run whose estimated work (calendar days × printings with `ok` signals in the range) is at most 250,000 runs while the request waits (in a worker thread) and answers 201 with the finished run — `status` succeeded, or failed with `error` (no signals or no market prices in the range). A larger one answers 202 and executes in a separate process; poll its `url`. Runs above 20,000,000 are refused (422 on `body.from`).
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["BacktestParams"];
                };
            };
            responses: {
                /** @description The run, executed. */
                201: {
                    headers: {
                        /** @description The run. */
                        Location?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BacktestRun"];
                    };
                };
                /** @description Queued for a background process. */
                202: {
                    headers: {
                        /** @description The run. */
                        Location?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BacktestQueued"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description `background_capacity_full`: MAX_CHILD_PROCESSES pipeline runs and backtests are already running (see Retry-After); `backtest_launcher_unavailable`: this process cannot start background runs; `shutting_down`. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/backtests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One backtest run: parameters, status, metrics, equity curve and first trades */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The run. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BacktestRun"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description `backtest_not_found`. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/factors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Factor statistics over a date range: rank IC summary, spreads, factor returns, decay, half-life, Ledoit–Wolf risk model */
        get: {
            parameters: {
                query?: {
                    /** @description First signal date (inclusive). */
                    from?: string;
                    /** @description Horizon of the suggested weights (IR at this horizon). */
                    horizon?: "1d" | "7d" | "30d";
                    /** @description Last signal date (inclusive). */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The report. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FactorsReport"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/weights": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Factor weights versions of the configured engine version (built-in, manual, suggested) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Versions, oldest first. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["PublicWeightsVersion"][];
                        };
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Store a new weights version: manual weights, or the weights suggested from IC/IR over a range
         * @description A new version is immutable; select it with SIGNALS_WEIGHTS and recompute signals (`pipeline run --step signals --from --to`). Signals of other versions stay.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        note?: string;
                        /** @description Use the suggestion of GET /v1/analytics/factors for this range instead. */
                        suggested?: {
                            /** @description First signal date (inclusive). */
                            from?: string;
                            /**
                             * @default 7d
                             * @enum {string}
                             */
                            horizon?: "1d" | "7d" | "30d";
                            /** @description Last signal date (inclusive). */
                            to?: string;
                        };
                        /**
                         * @description Manual weights, one per component.
                         * @example {
                         *       "trend": 0.4,
                         *       "filter": 0.2,
                         *       "reversal": 0.1,
                         *       "drawdown": 0.1,
                         *       "regime": 0.1,
                         *       "search": 0.1
                         *     }
                         */
                        weights?: {
                            [key: string]: number;
                        };
                    };
                };
            };
            responses: {
                /** @description The new version. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WeightsVersion"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search, filter and sort cards, each with its headline printing’s latest price and changes
         * @description The headline printing is the card’s TCGplayer near-mint USD series when it has one, its own product (sold under its set’s TCGplayer group) before reprint products (World Championship Deck, Jumbo …), fresh before stale, standard finishes first (normal, holofoil, unlimited, reverse holofoil, 1st edition), the most observed, then the oldest printing (docs/METHODS.md, "Headline printing"). Cursor pagination: pass `next_cursor` back as `cursor` with the same filters and sort.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Currency of the price filters; cards priced in another currency do not match them. */
                    currency?: string;
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description `card`: single cards (default); `sealed`: sealed products (booster boxes, Elite Trainer Boxes, tins …); `all`: both. */
                    kind?: "card" | "sealed" | "all";
                    /** @description Items per page (1–200). */
                    limit?: number;
                    /** @description Greatest headline price, major units of `currency`. */
                    max_price?: number | null;
                    /** @description Least headline price, major units of `currency`. */
                    min_price?: number | null;
                    /** @description Default `asc` for name and number, `desc` for numeric fields. */
                    order?: "asc" | "desc";
                    /** @description Name words, each matched as a prefix of a word of the name (accents and case ignored), and card numbers like `4/102` (number 4 of a set printed with 102 cards). */
                    q?: string;
                    /** @description Rarity id or name (`rare-holo` or `Rare Holo`), see /v1/rarities. */
                    rarity?: string;
                    /** @description Set id. */
                    set?: string;
                    /** @description Sort field. Cards without a value (no price, no change, no signal yet) come last in either order. */
                    sort?: "name" | "number" | "price" | "change_1d" | "change_7d" | "change_30d" | "score";
                    /** @description Supertype id or name (`pokemon`, `trainer`, `energy`). */
                    supertype?: string;
                    /** @description Energy type id or name, see /v1/types. */
                    type?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of cards. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CardList"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cards/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A card, its printings with external ids, and the latest price and changes of every series */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The card. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CardDetail"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description No such card. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cards/{id}/explain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One signal taken apart: contributions (summing to z), score map, thresholds and reasons */
        get: {
            parameters: {
                query?: {
                    /** @description Signal date; default the newest. */
                    date?: string;
                    /** @description A printing id of this card; default the card's headline printing. */
                    printing?: string;
                };
                header?: never;
                path: {
                    /** @description Card id. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The explanation. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SignalExplanation"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description `card_not_found` or `printing_not_found`. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cards/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A card's price history in one market, with its search interest
         * @description Without `printing`, the card's headline printing (the one its card summary shows); before the summary exists, the printing with the most NM price rows in the chosen market, then the lowest internal key. The series is that printing in the chosen market, condition NM, in the currency of its latest market prices. The window defaults to the 365 days ending on the series' latest date; search interest covers the same window. Prices are major units; a null price was not given that day.
         */
        get: {
            parameters: {
                query?: {
                    /** @description First date (inclusive). Default: `to` − 364 days. */
                    from?: string;
                    /** @description `week`: one point per ISO week (Monday–Sunday): the week's last observation (last row with a market price, else its last row), dated with that row's date. */
                    interval?: "day" | "week";
                    /** @description The marketplace whose prices to show. Default: `tcgplayer`. */
                    market?: "tcgplayer" | "cardmarket";
                    /** @description A printing id of this card. Default: the card's headline printing (see the operation's description). */
                    printing?: string;
                    /**
                     * @deprecated
                     * @description Deprecated alias of `market` (removed in 0.4.0); both given must agree.
                     */
                    source?: "tcgplayer" | "cardmarket";
                    /** @description Last date (inclusive). Default: the series' latest date. */
                    to?: string;
                };
                header?: never;
                path: {
                    /** @description Card id. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The series. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CardHistory"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description `card_not_found`, or `printing_not_found` when `printing` is not a printing of this card. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cards/{id}/history.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A card's price history as CSV
         * @description The same series as `/v1/cards/{id}/history`, as RFC 4180 CSV (CRLF line ends, a header row, fields with commas, quotes or line breaks quoted, quotes doubled). Columns: date, card_id, printing_id, finish, market, condition, currency, market_price, low_price, mid_price, high_price, search_interest, card_name, flag. One row per point; prices in major units with the currency's minor digits, empty when absent; `search_interest` is that date's value (day granularity before week, then the most recently learned batch), empty when none; `flag` is why analytics leave that print out (`placeholder_price`, `jump`, `return_outlier`), empty when it is used. Without `printing`, the card's headline printing (the one its card summary shows); before the summary exists, the printing with the most NM price rows in the chosen market, then the lowest internal key. The series is that printing in the chosen market, condition NM, in the currency of its latest market prices. The window defaults to the 365 days ending on the series' latest date; search interest covers the same window.
         */
        get: {
            parameters: {
                query?: {
                    /** @description First date (inclusive). Default: `to` − 364 days. */
                    from?: string;
                    /** @description `week`: one point per ISO week (Monday–Sunday): the week's last observation (last row with a market price, else its last row), dated with that row's date. */
                    interval?: "day" | "week";
                    /** @description The marketplace whose prices to show. Default: `tcgplayer`. */
                    market?: "tcgplayer" | "cardmarket";
                    /** @description A printing id of this card. Default: the card's headline printing (see the operation's description). */
                    printing?: string;
                    /**
                     * @deprecated
                     * @description Deprecated alias of `market` (removed in 0.4.0); both given must agree.
                     */
                    source?: "tcgplayer" | "cardmarket";
                    /** @description Last date (inclusive). Default: the series' latest date. */
                    to?: string;
                };
                header?: never;
                path: {
                    /** @description Card id. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The series as a CSV attachment named `{card id}-history.csv`. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description `card_not_found`, or `printing_not_found` when `printing` is not a printing of this card. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cards/{id}/signals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A printing's signal history (score, z, action, reasons) for the configured engine and weights */
        get: {
            parameters: {
                query?: {
                    /** @description First date (inclusive). */
                    from?: string;
                    /** @description At most this many of the newest signals in the range, sent oldest first. */
                    limit?: number;
                    /** @description A printing id of this card; default the card's headline printing. */
                    printing?: string;
                    /** @description Last date (inclusive). */
                    to?: string;
                };
                header?: never;
                path: {
                    /** @description Card id. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The history. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SignalHistory"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description `card_not_found` or `printing_not_found`. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dashboard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Market index, top movers both ways, top signals when present, freshness and the demo-data flag */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The dashboard. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Dashboard"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbound/email/postmark": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Postmark webhook events (HTTP Basic auth POSTMARK_WEBHOOK_USER / PASSWORD) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Stored (or a repeat). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["InboundEmailEvent"];
                    };
                };
                /** @description Unsigned, badly signed or wrong credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description This provider is not configured. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbound/email/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resend webhook events (Svix-signed with RESEND_WEBHOOK_SECRET) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Stored (or a repeat). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["InboundEmailEvent"];
                    };
                };
                /** @description Unsigned, badly signed or wrong credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description This provider is not configured. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/indexes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Price indexes: the market (cards) index first, then the sealed index, then one per set by id */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of indexes. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MarketIndexList"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/indexes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One price index with its daily values
         * @description History is every value in [from, to] (both optional: the whole history by default).
         */
        get: {
            parameters: {
                query?: {
                    /** @description First date of the history (inclusive). */
                    from?: string;
                    /** @description Last date of the history (inclusive). */
                    to?: string;
                };
                header?: never;
                path: {
                    /** @description Index id. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The index and its history. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MarketIndexDetail"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description `index_not_found`: no index with this id. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ingest/search-interest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ingest search-interest (SVI) values as one recorded ingestion run
         * @description Upserts on (card_id, date, granularity, batch). Rows that are well-formed but unusable are counted in `rejected_by_reason`, not refused; re-sending the same rows counts them as unchanged.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        rows: {
                            /** @description Anchor term shared by batches, for rescaling. */
                            anchor?: string | null;
                            /**
                             * @description Query batch the value is relative to.
                             * @example trends-2026-11-24-a
                             */
                            batch: string;
                            /** @example base1-4 */
                            card_id: string;
                            /**
                             * @description UTC calendar date `YYYY-MM-DD`.
                             * @example 2026-11-24
                             */
                            date: string;
                            /**
                             * @description `day` or `week`.
                             * @example day
                             */
                            granularity: string;
                            /**
                             * @description Relative search interest in [0, 100] within the batch.
                             * @example 62
                             */
                            value: number;
                        }[];
                    };
                };
            };
            responses: {
                /** @description The run summary. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["IngestionRunSummary"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/meta": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dataset kind, per-market latest date, freshness, staleness and coverage, feed licences */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Metadata. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Meta"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/movers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Printings ranked by market-price change over a window
         * @description TCGplayer near-mint USD market prices. The base of an N-day change is the last observation on or before to_date − N, at most 3 days older; stale printings (latest price more than 3 days behind the market) are left out, and so are printings with fewer than MOVERS_MIN_OBSERVATIONS observations in the window or a step larger than MOVERS_MAX_JUMP× inside it. `up` lists rises only, `down` falls only.
         */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description `up`: rises, largest first; `down`: falls, largest first. */
                    direction?: "up" | "down";
                    /** @description `card`: single cards (default); `sealed`: sealed products; `all`: both. */
                    kind?: "card" | "sealed" | "all";
                    /** @description Items per page (1–100). */
                    limit?: number;
                    /** @description Least latest price, USD. */
                    min_price?: number | null;
                    /** @description `robust_z` ranks by the change relative to the printing’s own robust volatility (docs/METHODS.md, "Movers"). `zscore` is a deprecated alias of `robust_z` (removed in 0.4.0). */
                    rank?: "change" | "robust_z" | "zscore";
                    /** @description Rarity id or name. */
                    rarity?: string;
                    /** @description Set id. */
                    set?: string;
                    /** @description Change window. */
                    window?: "1d" | "7d" | "30d" | "90d";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Movers, best first. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MoverList"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a portfolio (its secret is shown once) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["CreatePortfolio"];
                };
            };
            responses: {
                /** @description Created. `secret` is the only copy of the capability secret. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedPortfolio"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The portfolio: settings and counts */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The portfolio. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Portfolio"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete the portfolio and everything it holds (cannot be undone: export first) */
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change the name, base currency, cost method, preferred market or price field */
        patch: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PortfolioSettingsPatch"];
                };
            };
            responses: {
                /** @description Changed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Portfolio"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/portfolios/{id}/attribution": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A period's return of the start holdings split into factor contributions and a residual */
        get: {
            parameters: {
                query: {
                    from: string;
                    to: string;
                };
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The attribution. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PortfolioAttribution"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such order in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid fields (validation_failed), each named. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/collection/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import a collection export (any CSV) as lots, matched to printings
         * @description Each row is matched to a printing — by TCGplayer product id, else set + number (+ finish), else name — and read (quantity, condition, price, date). The report says per row `matched`, `ambiguous` (with candidates), `unmatched` (with a reason) or `invalid` (with its cells). Every row must be matched and valid, else nothing is written (422), unless `matched_only` is true: then the matched valid rows are written and the others skipped. Each written row is a lot of origin `import`.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CollectionCsvImport"];
                };
            };
            responses: {
                /** @description A dry run, or an import that wrote nothing (`matched_only` with no matched row): the report. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CsvImportResult"];
                    };
                };
                /** @description Lots written in one transaction; the report. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CsvImportResult"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials (portfolio_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is invalid (`validation_failed`, with `errors`), or rows are not importable (`import_rows_refused`, with `counts` and the per-row `report`): nothing was written. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["CsvImportRefused"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Everything the portfolio holds as JSON (exact decimal amounts); import it with POST /v1/portfolios/import */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The export. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PortfolioExport"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/exposures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Value-weighted standardised factor exposures of the holdings */
        get: {
            parameters: {
                query?: {
                    /** @description Default the latest date with market prices. */
                    as_of?: string;
                };
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The exposures. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PortfolioExposuresAnswer"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such order in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid fields (validation_failed), each named. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/holdings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Each holding with its price, value and unrealized P&L; unpriced holdings apart with the reason */
        get: {
            parameters: {
                query?: {
                    /** @description Valuation date (default: the latest date any market has prices, or of the latest lot or sale when later). Not after today. */
                    as_of?: string;
                };
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The holdings. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PortfolioHoldings"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/lots": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The purchase lots, in the order they were added */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of lots. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Lot"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such lot / sale in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Add a purchase lot */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["NewLot"];
                };
            };
            responses: {
                /** @description Added. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Lot"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such lot / sale in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/lots/{lotId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One lot */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                    lotId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The lot. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Lot"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such lot / sale in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a lot */
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                    lotId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such lot / sale in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The change would leave a sale of more than was held on its date (insufficient_holding). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a lot (quantity, cost, fees, currency, date, condition, grade, note, manual value) */
        patch: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                    lotId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["LotPatch"];
                };
            };
            responses: {
                /** @description Changed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Lot"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such lot / sale in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The change would leave a sale of more than was held on its date (insufficient_holding). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/portfolios/{id}/lots/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The lots as CSV
         * @description Every lot, oldest acquisition first, as RFC 4180 CSV (CRLF, a header row). Columns: lot_id, printing_id, card_name, set_id, number, finish, item_name, quantity, unit_cost, fees, currency, acquired_on, condition, grade_company, grade, manual_value, manual_value_on, note, origin, created_at. Amounts in major units with the currency's minor digits. A text cell starting with = + - @, a tab, a carriage return or an apostrophe gets an apostrophe in front, so spreadsheets show it as text (an import removes it again).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A CSV attachment named `{portfolio id}-lots.csv`. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials (portfolio_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/lots/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import lots from a CSV in the export's columns
         * @description The columns of `GET …/lots/export` (lot_id, printing_id, card_name, set_id, number, finish, item_name, quantity, unit_cost, fees, currency, acquired_on, condition, grade_company, grade, manual_value, manual_value_on, note, origin, created_at); the export-only ones (ids, card name, set, number, finish, origin, created_at) are ignored, any other is refused. Every row is checked first; all are written in one transaction, or none (422 with the per-row report).
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["LedgerCsvImport"];
                };
            };
            responses: {
                /** @description A dry run, or an import that wrote nothing (`matched_only` with no matched row): the report. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CsvImportResult"];
                    };
                };
                /** @description Lots written in one transaction; the report. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CsvImportResult"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials (portfolio_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is invalid (`validation_failed`, with `errors`), or rows are not importable (`import_rows_refused`, with `counts` and the per-row `report`): nothing was written. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["CsvImportRefused"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The orders, oldest first */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of orders. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Order"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such order in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Propose trades toward the targets within a budget (stored as a proposed order) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ProposeOrder"];
                };
            };
            responses: {
                /** @description The proposed order. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Order"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such order in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid fields (validation_failed), each named. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/orders/{orderId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One order */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                    orderId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The order. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Order"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such order in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Cancel a proposed order */
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                    orderId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Cancelled. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such order in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The order is not proposed (order_not_proposed). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/orders/{orderId}/execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record the order's trades as lots and sales (once; fills may override price and date) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                    orderId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["ExecuteOrder"];
                };
            };
            responses: {
                /** @description Executed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Order"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such order in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The order is not proposed (order_not_proposed), or a sale would oversell (insufficient_holding). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid fields (validation_failed), each named. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/performance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Daily NAV history with time-weighted and money-weighted returns, drawdown and the market comparison */
        get: {
            parameters: {
                query?: {
                    /** @description Default: the first lot's acquisition date. */
                    from?: string;
                    /** @description snapshots: stored daily snapshots only; reconstructed: every point rebuilt from lots, sales and the price history. Default: snapshots where present and current, reconstruction for the rest. */
                    source?: "snapshots" | "reconstructed";
                    /** @description Default: today. At most 3660 days after `from`. */
                    to?: string;
                };
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The series (one point per market date) and its metrics. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PortfolioPerformance"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials (portfolio_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description An amount has no FX rate into the base currency near its date (fx_rate_missing). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/sales": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The recorded sales, in the order they were recorded */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of sales, each with its realized P&L. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["SaleWithRealized"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such lot / sale in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Record a sale (disposal); refused when more would be sold than is held */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["NewSale"];
                };
            };
            responses: {
                /** @description Recorded, with its realized P&L. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SaleWithRealized"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such lot / sale in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The change would leave a sale of more than was held on its date (insufficient_holding). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/sales/{saleId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a recorded sale */
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                    saleId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such lot / sale in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/sales/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The sales as CSV
         * @description Every sale, oldest first, as RFC 4180 CSV (CRLF, a header row). Columns: sale_id, printing_id, card_name, set_id, number, finish, lot_id, quantity, proceeds, fees, currency, sold_on, condition, grade_company, grade, note, origin, created_at. Amounts in major units with the currency's minor digits. A text cell starting with = + - @, a tab, a carriage return or an apostrophe gets an apostrophe in front, so spreadsheets show it as text (an import removes it again).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A CSV attachment named `{portfolio id}-sales.csv`. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials (portfolio_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/sales/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import sales from a CSV in the export's columns
         * @description The columns of `GET …/sales/export` (sale_id, printing_id, card_name, set_id, number, finish, lot_id, quantity, proceeds, fees, currency, sold_on, condition, grade_company, grade, note, origin, created_at); the export-only ones (ids, card name, set, number, finish, origin, created_at) are ignored, any other is refused. Every row is checked first; all are written in one transaction, or none (422 with the per-row report). A sale of more than is held is refused whole (409 insufficient_holding).
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["LedgerCsvImport"];
                };
            };
            responses: {
                /** @description A dry run, or an import that wrote nothing (`matched_only` with no matched row): the report. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CsvImportResult"];
                    };
                };
                /** @description Sales written in one transaction; the report. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CsvImportResult"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials (portfolio_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A sale would dispose of more than was held on its date (insufficient_holding). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is invalid (`validation_failed`, with `errors`), or rows are not importable (`import_rows_refused`, with `counts` and the per-row `report`): nothing was written. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["CsvImportRefused"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/scenarios": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** What if: add or remove hypothetical lots and shock prices; nothing is stored */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PortfolioScenario"];
                };
            };
            responses: {
                /** @description Current and scenario side by side. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PortfolioScenarioAnswer"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such order in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid fields (validation_failed), each named. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate the secret (the new one is shown once; the old one is refused at once) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Rotated. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RotatedPortfolioSecret"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Value, cost, unrealized and realized P&L, total return, unpriced holdings and FX rates used */
        get: {
            parameters: {
                query?: {
                    /** @description Valuation date (default: the latest date any market has prices, or of the latest lot or sale when later). Not after today. */
                    as_of?: string;
                };
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The totals. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PortfolioSummary"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/targets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The targets */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The targets. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PortfolioTargetsAnswer"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such order in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /** Replace the targets: weights per printing and/or factor exposures */
        put: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PortfolioTargets"];
                };
            };
            responses: {
                /** @description The targets now. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PortfolioTargetsAnswer"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials, or no such order in it. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid fields (validation_failed), each named. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/watchlist": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The watchlist with live prices and changes, oldest addition first */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of items. Revalidate with `If-None-Match`. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["WatchlistItem"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Not modified since the ETag sent in `If-None-Match`. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials (portfolio_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/{id}/watchlist/{printingId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Watch a printing (idempotent; at most 500 per list) */
        put: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                    /** @description A printing id. */
                    printingId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Already on the list; nothing changed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WatchlistEntry"];
                    };
                };
                /** @description Added. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WatchlistEntry"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such portfolio for these credentials (portfolio_not_found), or no such printing (printing_not_found). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The list already holds 500 printings (watchlist_full); a full list is refused before the printing is looked up. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        post?: never;
        /** Stop watching a printing */
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The portfolio in `X-Portfolio-Id`. */
                    id: string;
                    /** @description A printing id. */
                    printingId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not on this watchlist (watchlist_item_not_found), or no such portfolio for these credentials. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portfolios/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a new portfolio from an export (new id and secret, shown once; all or nothing) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PortfolioExport"];
                };
            };
            responses: {
                /** @description Created from the export. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportedPortfolio"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rarities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Rarities with card counts
         * @description Ordered by id. The `id` is what the card filters take; names are accepted there too.
         */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of rarity values. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RarityList"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Sets, newest release first, with card counts and total value */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of sets. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SetList"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One set with its counts and total value */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The set. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Set"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description No such set. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Subscribe an e-mail address (double opt-in: a confirmation e-mail is sent; the answer reveals nothing) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SubscribeRequest"];
                };
            };
            responses: {
                /** @description Accepted. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SubscriptionAccepted"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/confirm/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The confirmation page (a button; the GET changes nothing) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The confirm token of the link. */
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page with a confirm button. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description The link is unknown, has expired or was already used. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Confirm the subscription; answers the manage token once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The confirm token of the link. */
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Confirmed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConfirmedSubscriber"];
                    };
                };
                /** @description The link is unknown, has expired or was already used. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/forget/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The delete-everything page (a button; the GET changes nothing) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The manage token of the link. */
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page with a delete button. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description The link is unknown, has expired or was already used. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Delete everything about the address the manage link names */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The manage token of the link. */
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description The link is unknown, has expired or was already used. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/manage/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The manage page an alert e-mail links to */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The manage token of the link. */
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The subscription and a delete-everything button. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description The link is unknown, has expired or was already used. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The subscriber calling with its manage token: address, status, digest */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The subscriber. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Subscriber"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete everything about the address (rules, endpoints, deliveries, tokens, events) */
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Choose a daily digest or one e-mail per alert */
        patch: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SubscriberPatch"];
                };
            };
            responses: {
                /** @description Changed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Subscriber"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Energy types with card counts
         * @description Ordered by id. The `id` is what the card filters take; names are accepted there too.
         */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of type values. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TypeList"];
                    };
                };
                /** @description Not modified: the `If-None-Match` ETag is still current. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/unsubscribe/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The unsubscribe page (a button; the GET changes nothing) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The unsubscribe token of the link. */
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page with an unsubscribe button. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description The link is unknown, has expired or was already used. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** RFC 8058 one-click unsubscribe (body `List-Unsubscribe=One-Click` or empty; no login; idempotent) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The unsubscribe token of the link. */
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Unsubscribed (also on a repeat). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description The link is unknown, has expired or was already used. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your endpoints */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of endpoints. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["WebhookEndpoint"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Create a webhook or Discord endpoint (a standard endpoint’s signing secret is shown once) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateWebhookEndpoint"];
                };
            };
            responses: {
                /** @description Created. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedWebhookEndpoint"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One endpoint (status, why it was disabled, failing run) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The endpoint. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookEndpoint"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such endpoint for this owner. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete an endpoint (its pending deliveries are not sent) */
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such endpoint for this owner. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change the URL or description, or re-enable a disabled endpoint */
        patch: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["WebhookEndpointPatch"];
                };
            };
            responses: {
                /** @description Changed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookEndpoint"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such endpoint for this owner. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/attempts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recent delivery attempts to the endpoint, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description The `next_cursor` of the previous page. */
                    cursor?: string;
                    /** @description Items per page (1–200). */
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of attempts. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["WebhookAttempt"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such endpoint for this owner. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate the signing secret (new one shown once; both sign during WEBHOOK_SECRET_OVERLAP_HOURS) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Rotated. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RotatedWebhookSecret"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such endpoint for this owner. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A Discord endpoint has no signing secret. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a `test.ping` event to the endpoint */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes a retried create safe. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Queued; see the attempts. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookTestQueued"];
                    };
                };
                /** @description Missing or invalid credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The caller lacks the required role. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such endpoint for this owner. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The endpoint is disabled; re-enable it first. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid parameters, headers or body; `errors` lists the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit exceeded; see Retry-After. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AlertFiring: {
            action: string | null;
            /** @description Market date of the price or signal that fired it. */
            as_of: string;
            change_pct: number | null;
            currency: string | null;
            fired_at: string;
            from_date: string | null;
            from_price: number | null;
            id: string;
            market: string;
            previous_action: string | null;
            /** @description Major units of `currency`. */
            price: number | null;
        };
        AlertRule: {
            /** @description signal_change: the action that fires it; null: any change. */
            action: string | null;
            /** @description A card rule follows its card's headline printing. */
            card_id: string | null;
            /** @description Change kinds: percent. */
            change_pct: number | null;
            /** @enum {string} */
            channel: "email" | "webhook" | "discord";
            created_at: string;
            /** @example USD */
            currency: string | null;
            endpoint_id: string | null;
            fired_count: number;
            id: string;
            /** @enum {string} */
            kind: "price_above" | "price_below" | "change_above" | "change_below" | "signal_change";
            last_evaluated_on: string | null;
            last_fired_at: string | null;
            /** @example tcgplayer */
            market: string;
            note: string | null;
            /** @example base1-4.holofoil */
            printing_id: string | null;
            snoozed_until: string | null;
            /**
             * @description `fired` waits until the condition is false again.
             * @enum {string}
             */
            state: "armed" | "fired";
            /** @enum {string} */
            status: "active" | "paused";
            /**
             * @description The card the rule is about (a printing rule's card) with its name; null once it left the catalogue.
             * @example {
             *       "card_id": "base1-4",
             *       "name": "Charizard"
             *     }
             */
            subject: {
                card_id: string;
                name: string;
            } | null;
            /**
             * @description Price kinds: major units of `currency`.
             * @example 400
             */
            threshold: number | null;
            updated_at: string;
            window_days: number | null;
        };
        AlertRuleCreate: {
            /** @enum {string|null} */
            action?: "BUY" | "HOLD" | "SELL" | null;
            card_id?: string;
            /**
             * @description Percent (positive).
             * @example 10
             */
            change_pct?: number;
            /** @enum {string} */
            channel: "email" | "webhook" | "discord";
            /** @example USD */
            currency?: string;
            /** @example whe_01JD8X2Q8KZ6M3N4P5R6S7T8V9 */
            endpoint_id?: string;
            /** @enum {string} */
            kind: "price_above" | "price_below" | "change_above" | "change_below" | "signal_change";
            /**
             * @default tcgplayer
             * @enum {string}
             */
            market: "tcgplayer" | "cardmarket";
            /** @example sell half */
            note?: string | null;
            /** @example base1-4.holofoil */
            printing_id?: string;
            /**
             * @description Major units, as a number or a decimal string (read exactly).
             * @example 19.99
             */
            threshold?: number | string;
            /**
             * @description Days of the change (1, 7 or 30).
             * @example 7
             */
            window_days?: 1 | 7 | 30;
        };
        AlertRulePatch: {
            /** @enum {string|null} */
            action?: "BUY" | "HOLD" | "SELL" | null;
            /**
             * @description Percent (positive).
             * @example 10
             */
            change_pct?: number;
            /** @enum {string} */
            channel?: "email" | "webhook" | "discord";
            /** @example whe_01JD8X2Q8KZ6M3N4P5R6S7T8V9 */
            endpoint_id?: string | null;
            /** @example sell half */
            note?: string | null;
            /** @enum {string} */
            status?: "active" | "paused";
            /**
             * @description Major units, as a number or a decimal string (read exactly).
             * @example 19.99
             */
            threshold?: number | string;
            /**
             * @description Days of the change (1, 7 or 30).
             * @example 7
             */
            window_days?: 1 | 7 | 30;
        };
        /** @description `{until}` (an instant; null wakes the rule) or `{hours}` from now. */
        AlertSnooze: {
            /** Format: date-time */
            until: string | null;
        } | {
            hours: number;
        };
        Anomaly: {
            /** @example base1-4 */
            card_id: string | null;
            /**
             * @description The market date the anomaly was found on.
             * @example 2026-11-20
             */
            date: string;
            /**
             * @description What the check saw; fields depend on the kind.
             * @example {
             *       "from_date": "2026-11-19",
             *       "from_cents": 4210,
             *       "to_cents": 42100,
             *       "currency": "USD",
             *       "return": 2.3026,
             *       "z": 12.4,
             *       "returns": 60
             *     }
             */
            detail: {
                [key: string]: unknown;
            };
            detected_at: string;
            /** @example anm_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            id: string;
            /** @enum {string} */
            kind: "return_outlier" | "stale_series" | "placeholder_price" | "coverage_drop";
            /** @example Confirmed on TCGplayer: a real sale. */
            note: string | null;
            /** @example base1-4-holofoil */
            printing_id: string | null;
            resolved_at: string | null;
            /** @description Actor (API key id or admin-token) of the last resolution. */
            resolved_by: string | null;
            /**
             * @description Larger is worse; its unit depends on the kind (docs/METHODS.md, "Anomalies").
             * @example 12.4
             */
            severity: number;
            /** @enum {string} */
            status: "open" | "acknowledged" | "dismissed";
            /**
             * @description A printing id, or `market:<name>` for a coverage drop.
             * @example base1-4-holofoil
             */
            subject: string;
        };
        ApiKey: {
            created_at: string;
            created_by: string;
            expires_at: string | null;
            /** @example key_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            id: string;
            /** @description Updated in batches, so it may lag by a few seconds. */
            last_used_at: string | null;
            name: string;
            owner_id: string;
            /**
             * @description First characters of the key, to tell keys apart.
             * @example cqk_7f3k9a
             */
            prefix: string;
            revoked_at: string | null;
            /**
             * @description viewer < operator < admin
             * @enum {string}
             */
            role: "viewer" | "operator" | "admin";
        };
        AuditEntry: {
            /** @example api_key.create */
            action: string;
            /** @description API key id, admin-token, admin-token-next, system or anonymous. */
            actor: string;
            /** @description UTC instant. */
            at: string;
            detail: {
                [key: string]: unknown;
            } | null;
            id: string;
            ip: string | null;
            request_id: string | null;
            /** @enum {string} */
            result: "success" | "failure";
            role: string | null;
            target: string | null;
        };
        BacktestEquityPoint: {
            /** @example 2026-03-02 */
            date: string;
            /**
             * @description Executions on this date.
             * @example 40
             */
            trades: number;
            /**
             * @description Cash plus positions marked at the market price, USD.
             * @example 10120.55
             */
            value: number;
        };
        /** @description Set when the run succeeded. */
        BacktestMetrics: {
            /**
             * @description (1 + total return)^(365 / calendar days) − 1, percent; null over zero days or after a total loss.
             * @example 9.1207
             */
            annualised_return_pct: number | null;
            /**
             * @description Sample standard deviation of daily equity log returns × √365, percent.
             * @example 14.2
             */
            annualised_volatility_pct: number | null;
            /**
             * @description Fees, fixed costs and slippage paid, USD.
             * @example 912.4
             */
            costs: number;
            /**
             * @description Equity on the last date after valuing open baskets at their exit, USD.
             * @example 10843.12
             */
            final_equity: number;
            /**
             * @description Completed round trips with a positive result net of costs, percent; null when none completed.
             * @example 54.5
             */
            hit_rate_pct: number | null;
            /**
             * @description Market dates simulated.
             * @example 324
             */
            market_dates: number;
            /**
             * @description Largest fall from a running equity peak, percent of that peak.
             * @example 6.25
             */
            max_drawdown_pct: number;
            /**
             * @description The date the equity reached zero (a short whose price multiplied): the run stopped there, every position closed at that date's marks; the equity curve ends at 0 and volatility, Sharpe and the annualised return are null. Null when it never did.
             * @example null
             */
            ruin_date: string | null;
            /**
             * @description What closing the positions on the ruin date left owing beyond the capital, USD; null without ruin.
             * @example null
             */
            ruin_deficit: number | null;
            /**
             * @description Mean daily log return × 365 / annualised volatility; risk-free rate 0.
             * @example 0.61
             */
            sharpe: number | null;
            /**
             * @description Final equity / initial capital − 1, percent, net of every cost.
             * @example 8.4312
             */
            total_return_pct: number;
            /**
             * @description Average per rebalance of traded notional / equity (2 = the whole book sold and bought again).
             * @example 1.96
             */
            turnover: number;
            /**
             * @description Printings with at least one `ok` signal in the range.
             * @example 5120
             */
            universe: number;
        } | null;
        /**
         * @example {
         *       "from": "2026-01-01",
         *       "to": "2026-11-20",
         *       "quantile": 0.2,
         *       "side": "long",
         *       "holding_days": 7
         *     }
         */
        BacktestParams: {
            /**
             * @description Buy at the market price or at the listed low; sales are always at the market price.
             * @default market
             * @enum {string}
             */
            buy_at: "market" | "low";
            /**
             * @description Marketplace fee on every sale, percent of proceeds. The default 12.75 is close to a TCGplayer seller fee (commission plus payment processing).
             * @default 12.75
             * @example 12.75
             */
            fee_pct: number;
            /**
             * @description Fixed cost per trade and printing (shipping, a top loader), charged on every buy and every sale, USD.
             * @default 1
             * @example 1
             */
            fixed_cost: number;
            /**
             * @description First market date of the simulation (inclusive).
             * @example 2026-01-01
             */
            from: string;
            /**
             * @description Market dates a basket is held before it is sold.
             * @default 7
             * @example 7
             */
            holding_days: number;
            /**
             * @description Starting cash, USD.
             * @default 10000
             * @example 10000
             */
            initial_capital: number;
            /**
             * @description Printings whose market price on the signal date is below this (or absent) are not selected, USD.
             * @default 1
             * @example 1
             */
            min_price: number;
            /**
             * @description Share of the ranked printings per leg: 0.2 buys the top 20 % by score (and, long-short, sells the bottom 20 %).
             * @default 0.2
             * @example 0.2
             */
            quantile: number;
            /**
             * @description A new basket is chosen every this many market dates; default `holding_days`.
             * @example 7
             */
            rebalance_every?: number;
            /**
             * @description `long-short` is hypothetical: collectibles cannot be borrowed, so it measures the score spread, not a tradable strategy.
             * @default long
             * @enum {string}
             */
            side: "long" | "long-short";
            /**
             * @description Adverse price move on every execution, basis points.
             * @default 50
             * @example 50
             */
            slippage_bps: number;
            /**
             * @description Last market date (inclusive); open baskets are valued here.
             * @example 2026-11-20
             */
            to: string;
        };
        BacktestQueued: {
            id: string;
            /** @enum {string} */
            status: "queued";
            /** @description Poll this until `status` is succeeded or failed. */
            url: string;
        };
        BacktestRun: {
            created_at: string;
            /** @description Actor (API key id or admin-token) that asked for the run. */
            created_by: string | null;
            /** @example USD */
            currency: string;
            /** @example robust-trend */
            engine: string;
            /** @example 1 */
            engine_version: string;
            /** @description One point per market date (empty until the run succeeded). */
            equity: components["schemas"]["BacktestEquityPoint"][];
            /** @description Why the run failed. */
            error: string | null;
            finished_at: string | null;
            /** @example bt_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            id: string;
            metrics: components["schemas"]["BacktestMetrics"];
            params: components["schemas"]["BacktestRunParams"];
            started_at: string | null;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed";
            /** @description The first 1000 trades in execution order; `trades` counts all of them. */
            trade_log: components["schemas"]["BacktestTrade"][];
            /**
             * @description Trade records (open-at-end valuations included); set when the run succeeded.
             * @example 1480
             */
            trades: number | null;
            /** @example /v1/analytics/backtests/bt_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            url: string;
            /** @example robust-trend@2:builtin */
            weights_version: string;
        };
        BacktestRunParams: {
            /**
             * @description Buy at the market price or at the listed low; sales are always at the market price.
             * @default market
             * @enum {string}
             */
            buy_at: "market" | "low";
            /**
             * @description Marketplace fee on every sale, percent of proceeds. The default 12.75 is close to a TCGplayer seller fee (commission plus payment processing).
             * @default 12.75
             * @example 12.75
             */
            fee_pct: number;
            /**
             * @description Fixed cost per trade and printing (shipping, a top loader), charged on every buy and every sale, USD.
             * @default 1
             * @example 1
             */
            fixed_cost: number;
            /**
             * @description First market date of the simulation (inclusive).
             * @example 2026-01-01
             */
            from: string;
            /**
             * @description Market dates a basket is held before it is sold.
             * @default 7
             * @example 7
             */
            holding_days: number;
            /**
             * @description Starting cash, USD.
             * @default 10000
             * @example 10000
             */
            initial_capital: number;
            /**
             * @description Printings whose market price on the signal date is below this (or absent) are not selected, USD.
             * @default 1
             * @example 1
             */
            min_price: number;
            /**
             * @description Share of the ranked printings per leg: 0.2 buys the top 20 % by score (and, long-short, sells the bottom 20 %).
             * @default 0.2
             * @example 0.2
             */
            quantile: number;
            /** @description Resolved: `holding_days` unless given. */
            rebalance_every: number;
            /**
             * @description `long-short` is hypothetical: collectibles cannot be borrowed, so it measures the score spread, not a tradable strategy.
             * @default long
             * @enum {string}
             */
            side: "long" | "long-short";
            /**
             * @description Adverse price move on every execution, basis points.
             * @default 50
             * @example 50
             */
            slippage_bps: number;
            /**
             * @description Last market date (inclusive); open baskets are valued here.
             * @example 2026-11-20
             */
            to: string;
        };
        BacktestSummary: {
            created_at: string;
            /** @description Actor (API key id or admin-token) that asked for the run. */
            created_by: string | null;
            /** @example USD */
            currency: string;
            /** @example robust-trend */
            engine: string;
            /** @example 1 */
            engine_version: string;
            /** @description Why the run failed. */
            error: string | null;
            finished_at: string | null;
            /** @example bt_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            id: string;
            metrics: components["schemas"]["BacktestMetrics"];
            params: components["schemas"]["BacktestRunParams"];
            started_at: string | null;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed";
            /**
             * @description Trade records (open-at-end valuations included); set when the run succeeded.
             * @example 1480
             */
            trades: number | null;
            /** @example /v1/analytics/backtests/bt_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            url: string;
            /** @example robust-trend@2:builtin */
            weights_version: string;
        };
        BacktestTrade: {
            /** @description Rebalance number, 0-based. */
            basket: number;
            /** @description Fee + fixed cost + slippage of this trade, USD. */
            cost: number;
            date: string;
            /** @enum {string} */
            leg: "long" | "short";
            /** @description An exit priced on the last date only to value a basket still open. */
            open_at_end: boolean;
            /** @description Execution price per unit with slippage, USD (rounded to cents). */
            price: number;
            /** @example base1-4-holofoil */
            printing_id: string;
            /** @description Units; fractional, positions are sized by value. */
            quantity: number;
            /** @enum {string} */
            side: "buy" | "sell";
            /** @description Date of the signal that chose the basket; always before `date`. */
            signal_date: string;
        };
        Backup: {
            bytes: number | null;
            created_at: string;
            /** @enum {string} */
            dialect: "sqlite" | "postgres";
            duration_ms: number | null;
            encrypted: boolean;
            error: string | null;
            file_name: string | null;
            id: string;
            /** @description The data key that sealed the file (encrypted backups). */
            key_id: string | null;
            /** @description `file:<path>` and `s3://<bucket>/<key>` copies. */
            locations: string[];
            manifest: {
                migration: string | null;
                /** @description Rows over every table of the snapshot. */
                rows: number;
                tables: number;
            } | null;
            sha256: string | null;
            /** @enum {string} */
            status: "running" | "succeeded" | "failed" | "deleted";
        };
        CardDetail: {
            artist: string | null;
            external_ids: {
                pokemontcg: string | null;
                tcgdex: string | null;
            };
            /** @description Of the headline series: its latest price date against its market’s latest date. */
            freshness: {
                as_of: string;
                days_behind: number;
                price_date: string;
                stale: boolean;
            } | null;
            headline_printing_id: string | null;
            hp: string | null;
            /** @example base1-4 */
            id: string;
            /** @description Image URLs per source. */
            images: {
                [key: string]: {
                    large?: string;
                    small?: string;
                };
            };
            /** @example card */
            kind: string;
            language: string;
            /** @example Charizard */
            name: string;
            number: string;
            printings: components["schemas"]["Printing"][];
            rarity: string | null;
            score: number | null;
            set: {
                /**
                 * @description The family of sets it belongs to (docs/GLOSSARY.md).
                 * @example Base
                 */
                era: string | null;
                id: string;
                name: string;
                printed_total: number | null;
                release_date: string | null;
                /**
                 * @deprecated
                 * @description Deprecated alias of `era` (removed in 0.4.0).
                 * @example Base
                 */
                series: string | null;
            };
            subtypes: string[];
            supertype: string | null;
            thumbnail: string | null;
            types: string[];
        };
        CardHistory: {
            /** @example base1-4 */
            card_id: string;
            /** @enum {string} */
            condition: "NM";
            /**
             * @description Currency of the series: that of its latest price row (the market's usual one when it has none).
             * @example USD
             */
            currency: string;
            /**
             * @description Window start; null when the series has no prices and no range was given.
             * @example 2025-11-25
             */
            from: string | null;
            /** @enum {string} */
            interval: "day" | "week";
            /** @enum {string} */
            market: "tcgplayer" | "cardmarket";
            points: {
                /** @example 2026-11-24 */
                date: string;
                /**
                 * @description Why analytics (signals, factor statistics, backtests, valuations) leave this print out: a placeholder-like price, a jump beyond MOVERS_MAX_JUMP from the last clean print, or a return outlier; null when it is used. Flagged prints are shown, never hidden.
                 * @example null
                 * @enum {string|null}
                 */
                flag: "placeholder_price" | "jump" | "return_outlier" | null;
                /**
                 * @description Highest listing in major units of `currency`; null when absent.
                 * @example 412.5
                 */
                high: number | null;
                /**
                 * @description Lowest listing in major units of `currency`; null when absent.
                 * @example 412.5
                 */
                low: number | null;
                /**
                 * @description Market price in major units of `currency`; null when absent.
                 * @example 412.5
                 */
                market: number | null;
                /**
                 * @description Mid listing in major units of `currency`; null when absent.
                 * @example 412.5
                 */
                mid: number | null;
            }[];
            /** @description Null only for a card without printings. */
            printing: {
                /** @example holofoil */
                finish: string;
                /** @example base1-4-holofoil */
                id: string;
                /**
                 * @description The printing in words: finish, with its product line when it has one.
                 * @example Holofoil
                 */
                label: string;
                /**
                 * @description Product line when not the set's own product (`world-championship-deck`, `jumbo`, `deck-exclusive`, `prize-pack`, `blister`, `shadowless`, `1st-edition`, `promo`, `other`); null = the set's own product.
                 * @example null
                 */
                product_line: string | null;
                /**
                 * @description The product line in words.
                 * @example World Championship Deck
                 */
                product_line_label: string | null;
                /**
                 * @description The TCGplayer group the product was sold under; null until known.
                 * @example 604
                 */
                tcgplayer_group_id: number | null;
                /** @example 42382 */
                tcgplayer_product_id: number | null;
                /** @example Holofoil */
                tcgplayer_sub_type: string | null;
            } | null;
            search_interest: {
                /** @example trends-2026-11-24-a */
                batch: string;
                /** @example 2026-11-24 */
                date: string;
                /** @enum {string} */
                granularity: "day" | "week";
                /**
                 * @description Relative interest in [0, 100] within its batch.
                 * @example 62
                 */
                value: number;
            }[];
            /** @example 2026-11-24 */
            to: string | null;
        };
        CardList: {
            items: components["schemas"]["CardListItem"][];
            next_cursor: string | null;
        };
        CardListItem: {
            /**
             * @description The market's latest date with data.
             * @example 2025-10-20
             */
            as_of: string | null;
            /** @example -1.2501 */
            change_1d: number | null;
            /** @example 4.1 */
            change_7d: number | null;
            /** @example 12.5 */
            change_30d: number | null;
            changes: {
                "1d": components["schemas"]["Change"];
                "7d": components["schemas"]["Change"];
                "30d": components["schemas"]["Change"];
            };
            /** @example USD */
            currency: string | null;
            headline: components["schemas"]["HeadlinePrinting"];
            /** @example base1-4 */
            id: string;
            /**
             * @description `card` or `sealed` (a sealed product).
             * @example card
             * @enum {string}
             */
            kind: "card" | "sealed";
            /** @example Charizard */
            name: string;
            /** @example 4 */
            number: string;
            /**
             * @description Latest market price of the headline printing, major units.
             * @example 389.99
             */
            price: number | null;
            /**
             * @description Date of that price.
             * @example 2025-10-20
             */
            price_date: string | null;
            /**
             * @description Printings (finishes, products) of the card.
             * @example 2
             */
            printings: number;
            /** @example Rare Holo */
            rarity: string | null;
            /** @description Signal score of the headline printing; null until signals exist. */
            score: number | null;
            /** @example base1 */
            set_id: string;
            /**
             * @description The headline series' market prices (major units of `currency`) on the 30 days ending on `as_of`, oldest first; null on a day without a price (no print, or a flagged one); null when the card has no headline series. For a sparkline.
             * @example [
             *       380,
             *       381.5,
             *       null,
             *       384
             *     ]
             */
            spark: (number | null)[] | null;
            /** @description The price is more than 3 days behind its market. */
            stale: boolean | null;
            /** @example Pokémon */
            supertype: string | null;
            /** @example https://images.pokemontcg.io/base1/4.png */
            thumbnail: string | null;
            /**
             * @example [
             *       "Fire"
             *     ]
             */
            types: string[];
        };
        /** @description A market-price change over a window (docs/METHODS.md, "Changes"). */
        Change: {
            /**
             * @description Percent, rounded to 4 decimals.
             * @example 12.5
             */
            change_pct: number;
            /** @example USD */
            currency: string;
            /** @example 2025-10-13 */
            from_date: string;
            /** @example 40 */
            from_price: number;
            /** @example 2025-10-20 */
            to_date: string;
            /** @example 45 */
            to_price: number;
        } | null;
        CollectionCsvImport: {
            /** @description Acquisition date of rows without one (default: today). */
            acquired_on?: string;
            /**
             * @description The CSV text: UTF-8 (a byte-order mark is ignored), a header row, RFC 4180 quoting. At most `CSV_IMPORT_MAX_BYTES` bytes and `CSV_IMPORT_MAX_ROWS` rows.
             * @example printing_id,quantity,unit_cost,currency,acquired_on
             *     base1-4.holofoil,1,350.00,USD,2026-11-02
             */
            csv: string;
            /**
             * @description Currency of the price column.
             * @example USD
             */
            currency: string;
            /**
             * @description How the date column writes dates (default `YYYY-MM-DD`); a time after the date is ignored.
             * @enum {string}
             */
            date_format?: "YYYY-MM-DD" | "MM/DD/YYYY" | "DD/MM/YYYY" | "DD.MM.YYYY" | "YYYY/MM/DD";
            /**
             * @description Field delimiter; `auto` (default) takes the one the header line uses most.
             * @enum {string}
             */
            delimiter?: "auto" | "," | ";" | "\t" | "|";
            /** @description Check and report only; nothing is written. */
            dry_run?: boolean;
            /**
             * @description Which CSV column (header name) holds each field. `price` (the unit cost each lot records, in `currency`) is required; the printing is found by `tcgplayer_product_id`, else `set` + `number` (+ `finish`), else `name`.
             * @example {
             *       "quantity": "Quantity",
             *       "name": "Name",
             *       "set": "Set",
             *       "number": "Card Number",
             *       "finish": "Printing",
             *       "condition": "Condition",
             *       "price": "Price",
             *       "tcgplayer_product_id": "Product ID"
             *     }
             */
            mapping: {
                condition?: string;
                date?: string;
                finish?: string;
                name?: string;
                number?: string;
                price?: string;
                quantity?: string;
                set?: string;
                tcgplayer_product_id?: string;
            };
            /** @description Import the matched valid rows and skip the others (the report says which), instead of refusing the file. */
            matched_only?: boolean;
        };
        ConfirmedSubscriber: components["schemas"]["Subscriber"] & {
            /** @description Shown once: send as `Authorization: Bearer cqm_…` to manage alerts. Only its digest is stored; every alert e-mail carries a fresh manage link. */
            manage_token: string;
        };
        CreatedPortfolio: {
            /** @example 2026-11-25T12:00:00.000Z */
            created_at: string;
            /**
             * @description Send as `X-Portfolio-Id`.
             * @example pf_01JDX8M3Q5W7ZK2N4R6T8V0B1C
             */
            id: string;
            /** @example Vintage holos */
            name: string | null;
            /**
             * @description Send as `X-Portfolio-Secret`. Shown once: only its digest is stored, so it cannot be recovered.
             * @example cqp_5k2m9q3v7x1c8h4j6n0p2r4t6w8y0z2b
             */
            secret: string;
        };
        CreatedWebhookEndpoint: components["schemas"]["WebhookEndpoint"] & {
            /**
             * @description The signing secret (`whsec_…`), shown once; null for Discord endpoints.
             * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
             */
            secret: string | null;
        };
        CreatePortfolio: {
            /**
             * @description A label for your own use.
             * @example Vintage holos
             */
            name?: string;
        };
        CreateWebhookEndpoint: {
            /** @example Price alerts for the shop */
            description?: string | null;
            /**
             * @default standard
             * @enum {string}
             */
            kind: "standard" | "discord";
            /**
             * @description http(s), no credentials, at most 2048 characters; must not resolve to a loopback, private, link-local, unique-local or unspecified address (unless the operator allows it). Discord: `<DISCORD_API_BASE>/api/webhooks/<id>/<token>`.
             * @example https://203.0.113.10/hooks/cardquant
             */
            url: string;
        };
        /** @description RFC 9457 problem details. */
        CsvImportRefused: components["schemas"]["Problem"] & {
            counts: {
                ambiguous: number;
                invalid: number;
                matched: number;
                rows: number;
                unmatched: number;
            };
            report: components["schemas"]["CsvImportRow"][];
        };
        CsvImportResult: {
            counts: {
                ambiguous: number;
                invalid: number;
                matched: number;
                rows: number;
                unmatched: number;
            };
            dry_run: boolean;
            /** @description Rows written (in a dry run: that would be written). */
            imported: number;
            report: components["schemas"]["CsvImportRow"][];
            skipped: number;
        };
        CsvImportRow: {
            /** @description Ambiguous rows: the printings it may be (at most 10; `candidates_total` counts all). */
            candidates?: {
                card_id: string;
                finish: string;
                name: string;
                number: string;
                printing_id: string;
                set_id: string;
                set_name: string;
                tcgplayer_product_id: number | null;
            }[];
            candidates_total?: number;
            detail?: string;
            /** @description Invalid rows: each offending cell. */
            errors?: {
                field: string;
                message: string;
            }[];
            /** @description The lot or sale the row became; null when not written. */
            imported_as: string | null;
            /** @description The line of the file the row ends on (the header is line 1). */
            line: number;
            /** @enum {string} */
            matched_by?: "product_id" | "set_number" | "name";
            /** @example base1-4.holofoil */
            printing_id: string | null;
            /**
             * @description Unmatched rows: why.
             * @enum {string}
             */
            reason?: "no_identifying_fields" | "unknown_set" | "finish_not_found" | "not_found";
            /** @description 1 = the first data row. */
            row: number;
            /** @enum {string} */
            status: "matched" | "ambiguous" | "unmatched" | "invalid";
        };
        Dashboard: {
            /** @description When the derive step built this document; null before the first derive. */
            built_at: string | null;
            counts: {
                cards: number;
                priced_cards: number;
                sets: number;
            };
            dataset: {
                /** @description Invented demo data: never real prices. */
                demo: boolean;
                /** @enum {string} */
                kind: "empty" | "demo" | "real";
            };
            /** @description The market index (docs/METHODS.md, "Indexes"). */
            market_index: components["schemas"]["MarketIndex"] & ({
                /** @description The last 90 points. */
                history: {
                    date: string;
                    value: number;
                }[];
            } | null);
            markets: {
                coverage_pct: number;
                /** @example USD */
                currency: string;
                current: number;
                /**
                 * @description Days between latest_date and today (UTC).
                 * @example 1
                 */
                freshness_days: number;
                /** @example 2025-10-20 */
                latest_date: string;
                /** @example tcgplayer */
                market: string;
                series: number;
                stale: boolean;
            }[];
            movers: {
                currency: string;
                down: components["schemas"]["Mover"][];
                /**
                 * @description Movers priced below this are left out of the dashboard (not of /v1/movers).
                 * @example 1
                 */
                min_price: number;
                up: components["schemas"]["Mover"][];
                /** @example 7d */
                window: string;
            };
            /** @description Null until signals exist. */
            top_signals: {
                [key: string]: unknown;
            }[] | null;
        };
        Delivery: {
            /** @description E-mail recipient. */
            address: string | null;
            /** @description Every attempt made, across redeliveries. */
            attempts: number;
            /** @description `attempts` when the current attempt budget began (set by a redelivery). */
            budget_start: number;
            /** @enum {string} */
            channel: "email" | "webhook" | "discord";
            created_at: string;
            dedupe_key: string;
            delivered_at: string | null;
            endpoint_id: string | null;
            /** @example alert.triggered */
            event_type: string;
            firing_id: string | null;
            /** @description Carries sealed link tokens (never shown). */
            has_sealed: boolean;
            /** @description Stable across retries and redeliveries: the `webhook-id` of a webhook. */
            id: string;
            last_error: string | null;
            last_error_class: string | null;
            lease_owner: string | null;
            lease_until: string | null;
            next_attempt_at: string;
            owner_id: string | null;
            provider_message_id: string | null;
            redeliveries: number;
            /** @enum {string} */
            status: "pending" | "delivered" | "dead" | "suppressed" | "cancelled";
            triggered_at: string;
            updated_at: string;
        };
        DeliveryAttempt: {
            attempt: number;
            duration_ms: number;
            error: string | null;
            error_class: string | null;
            /** @enum {string} */
            outcome: "delivered" | "retry" | "failed" | "deferred" | "suppressed";
            /** @description First 4 KB of the response body. */
            response_excerpt: string | null;
            started_at: string;
            status_code: number | null;
        };
        DeliveryDetail: components["schemas"]["Delivery"] & {
            attempt_log: components["schemas"]["DeliveryAttempt"][];
            payload?: unknown;
        };
        ErrorCount: {
            /** @example rate_limited */
            code: string;
            count: number;
            meaning: string | null;
            /** @description False for a code missing from the registry (docs/ERRORS.md), e.g. one an older version answered. */
            registered: boolean;
            /**
             * @description Whether a client should retry (docs/ERRORS.md).
             * @enum {string|null}
             */
            retry: "no" | "after" | "yes" | null;
            /**
             * @description count ÷ all requests in the window (0 when there were none).
             * @example 0.0125
             */
            share: number;
            /** @description The registered status; null for an unregistered code. */
            status: number | null;
            /** @example 4xx */
            status_class: string;
        };
        ExecuteOrder: {
            fills?: {
                /** @description When it was traded; default today. */
                date?: string;
                /** @description Index of the trade in `trades`. */
                trade: number;
                /**
                 * @description The price obtained (base currency).
                 * @example 19.99
                 */
                unit_price?: number | string;
            }[];
        };
        ExportedLot: {
            acquired_on: string;
            /**
             * @description Near mint, lightly / moderately / heavily played, damaged.
             * @example NM
             * @enum {string}
             */
            condition: "NM" | "LP" | "MP" | "HP" | "DMG";
            created_at?: string;
            currency: string;
            /**
             * @description Exact decimal, major units of the row currency.
             * @example 19.99
             */
            fees: string;
            grade: {
                company: string;
                grade: string;
            } | null;
            item_name: string | null;
            manual_value: {
                as_of: string;
                /**
                 * @description Exact decimal, major units of the row currency.
                 * @example 19.99
                 */
                unit_value: string;
            } | null;
            note: string | null;
            /** @enum {string} */
            origin: "manual" | "import" | "order";
            printing_id: string | null;
            quantity: number;
            /** @description The lot id in the exporting portfolio. */
            ref: string;
            /**
             * @description Exact decimal, major units of the row currency.
             * @example 19.99
             */
            unit_cost: string;
            updated_at?: string;
        };
        ExportedSale: {
            /**
             * @description Near mint, lightly / moderately / heavily played, damaged.
             * @example NM
             * @enum {string}
             */
            condition: "NM" | "LP" | "MP" | "HP" | "DMG";
            created_at?: string;
            currency: string;
            /**
             * @description Exact decimal, major units of the row currency.
             * @example 19.99
             */
            fees: string;
            grade: {
                company: string;
                grade: string;
            } | null;
            /** @description For an item outside the catalogue: its lot. */
            lot_ref: string | null;
            note: string | null;
            /** @enum {string} */
            origin: "manual" | "import" | "order";
            printing_id: string | null;
            /**
             * @description Exact decimal, major units of the row currency.
             * @example 19.99
             */
            proceeds: string;
            quantity: number;
            ref: string;
            sold_on: string;
        };
        FacetValue: {
            /** @example 1204 */
            cards: number;
            /**
             * @description What the card filters take.
             * @example rare-holo
             */
            id: string;
            /** @example Rare Holo */
            name: string;
            /** @example 1150 */
            priced_cards: number;
        };
        FactorsReport: {
            dates: number;
            engine: string;
            engine_version: string;
            factors: {
                decay: {
                    ic: number | null;
                    lag: number;
                }[];
                /** @example trend */
                factor: string;
                half_life_days: number | null;
                horizons: {
                    [key: string]: {
                        /** @description Mean cross-sectional regression coefficient (factor return per unit exposure). */
                        beta_mean: number | null;
                        /** @description Fama–MacBeth t statistic of the mean coefficient, with a Newey–West standard error (lag `hac_lag`). */
                        beta_t: number | null;
                        /** @description Newey–West lag: the horizon in days minus 1. */
                        hac_lag: number;
                        hitRate: number | null;
                        ir: number | null;
                        mean: number | null;
                        n: number;
                        sd: number | null;
                        /** @description Mean top-minus-bottom quintile forward log return. */
                        spread_mean: number | null;
                        /** @description Newey–West (HAC, Bartlett) t statistic of the mean IC with lag `hac_lag`; overlapping forward windows make the daily IC series autocorrelated. */
                        tStat: number | null;
                    };
                };
            }[];
            from: string | null;
            risk: {
                correlation: number[][];
                covariance: number[][];
                dates: number;
                factors: string[];
                horizon_days: number;
                shrinkage: number;
                volatility: number[];
            } | null;
            suggested_weights: {
                /** @enum {string} */
                horizon: "1d" | "7d" | "30d";
                /** @description Least Newey–West IC t a component needs to get a weight (FACTORS_MIN_T). */
                min_t: number;
                /** @description Null when no component has a positive IR with t ≥ min_t (e.g. on noise). */
                weights: {
                    [key: string]: number;
                } | null;
            };
            to: string | null;
            weights_version: string;
        };
        FxRateUsed: {
            /** @example EUR */
            currency: string;
            /**
             * @description Units of the base currency per unit of `currency`.
             * @example 1.0512
             */
            rate: number;
            /**
             * @description The ECB reference date of the rate.
             * @example 2026-11-20
             */
            rate_date: string;
        };
        Grade: {
            /** @example PSA */
            company: string;
            /** @example 10 */
            grade: string;
        } | null;
        /** @description The printing whose price the card shows (docs/METHODS.md, "Headline printing"). */
        HeadlinePrinting: {
            /** @example NM */
            condition: string;
            /** @example holofoil */
            finish: string;
            /**
             * @description The printing in words: finish, with its product line when it has one.
             * @example Holofoil
             */
            label: string;
            /** @example tcgplayer */
            market: string;
            /** @example base1-4-holofoil */
            printing_id: string;
            /**
             * @description Product line when not the set's own product (`world-championship-deck`, `jumbo`, `deck-exclusive`, `prize-pack`, `blister`, `shadowless`, `1st-edition`, `promo`, `other`); null = the set's own product.
             * @example null
             */
            product_line: string | null;
        } | null;
        ImportedPortfolio: components["schemas"]["CreatedPortfolio"] & {
            imported: {
                lots: number;
                sales: number;
                watchlist: number;
            };
        };
        InboundEmailEvent: {
            /** @description The provider sent this event before; nothing changed. */
            duplicate: boolean;
            /** @description Not an event this API acts on. */
            ignored: boolean;
            received: boolean;
        };
        IngestionRun: {
            accepted: number;
            checkpoint?: unknown;
            /** @description Placeholder fields (999, 9999 … listings) dropped from rows that were kept; beside the accounting. */
            dropped_placeholder_fields: number;
            error: string | null;
            /** @description Parts (sets, pages, files) that failed while the rest went on. */
            failures: {
                error: string;
                item: string;
            }[];
            /**
             * @description The upstream it read (docs/GLOSSARY.md, feed).
             * @example tcgcsv
             */
            feed: string;
            finished_at: string | null;
            /** @description Its last heartbeat. */
            heartbeat_at: string | null;
            /** @description The process that ran it (host:pid/instance). */
            holder: string | null;
            id: string;
            /**
             * @description The importer (adapter) that ran.
             * @example tcgcsv-files
             */
            importer: string;
            /** @example prices */
            kind: string;
            params: {
                [key: string]: unknown;
            } | null;
            range_from: string | null;
            range_to: string | null;
            rejected: number;
            /**
             * @example {
             *       "unmapped_product": 12,
             *       "placeholder_listing": 3
             *     }
             */
            rejected_by_reason: {
                [key: string]: number;
            };
            /** @description The first rejected rows (at most 20), naming where, the reason, and the field and value at fault. */
            rejected_examples: {
                at: string;
                detail: string;
                reason: string;
            }[];
            resumes: string | null;
            /** @description Always accepted + updated + unchanged + rejected. */
            rows_read: number;
            /**
             * @deprecated
             * @description Deprecated alias of `importer` (removed in 0.4.0).
             * @example tcgcsv-files
             */
            source: string;
            started_at: string;
            /**
             * @description `abandoned`: its process died (no heartbeat for 3 × RUN_HEARTBEAT_SECONDS); counts reconciled with the prices it wrote.
             * @enum {string}
             */
            status: "running" | "succeeded" | "partial" | "failed" | "abandoned";
            unchanged: number;
            /** @description Stored values the upstream changed. */
            updated: number;
        };
        IngestionRunSummary: {
            /** @description New rows stored. */
            accepted: number;
            error: string | null;
            failures: {
                error: string;
                item: string;
            }[];
            /** @example run_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            id: string;
            /** @example api */
            importer: string;
            rejected: number;
            /**
             * @example {
             *       "card_not_in_catalog": 1
             *     }
             */
            rejected_by_reason: {
                [key: string]: number;
            };
            /** @description accepted + updated + unchanged + rejected */
            rows_read: number;
            /**
             * @deprecated
             * @description Deprecated alias of `importer` (removed in 0.4.0).
             */
            source: string;
            /** @enum {string} */
            status: "running" | "succeeded" | "partial" | "failed" | "abandoned";
            unchanged: number;
            /** @description Stored rows whose value changed. */
            updated: number;
        };
        LedgerCsvImport: {
            /**
             * @description The CSV text: UTF-8 (a byte-order mark is ignored), a header row, RFC 4180 quoting. At most `CSV_IMPORT_MAX_BYTES` bytes and `CSV_IMPORT_MAX_ROWS` rows.
             * @example printing_id,quantity,unit_cost,currency,acquired_on
             *     base1-4.holofoil,1,350.00,USD,2026-11-02
             */
            csv: string;
            /**
             * @description Field delimiter; `auto` (default) takes the one the header line uses most.
             * @enum {string}
             */
            delimiter?: "auto" | "," | ";" | "\t" | "|";
            /** @description Check and report only; nothing is written. */
            dry_run?: boolean;
        };
        /** @description Null for an item outside the catalogue. */
        LedgerPrinting: {
            /** @example base1-4 */
            card_id: string;
            /** @example holofoil */
            finish: string;
            /** @example base1-4.holofoil */
            id: string;
            /** @enum {string} */
            kind: "card" | "sealed";
            /** @example Charizard */
            name: string;
            /** @example 4 */
            number: string;
            /** @example base1 */
            set_id: string;
        } | null;
        Lot: {
            acquired_on: string;
            /**
             * @description Near mint, lightly / moderately / heavily played, damaged.
             * @example NM
             * @enum {string}
             */
            condition: "NM" | "LP" | "MP" | "HP" | "DMG";
            /** @description quantity × unit_cost + fees. */
            cost_basis: number;
            created_at: string;
            currency: string;
            fees: number;
            grade: components["schemas"]["Grade"];
            /** @example lot_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            id: string;
            item_name: string | null;
            /** @description Stated by the owner, not a market price. */
            manual_value: {
                as_of: string;
                currency: string;
                unit_value: number;
            } | null;
            note: string | null;
            /** @enum {string} */
            origin: "manual" | "import" | "order";
            printing: components["schemas"]["LedgerPrinting"];
            quantity: number;
            unit_cost: number;
            updated_at: string;
        };
        LotPatch: {
            acquired_on?: string;
            /**
             * @description Near mint, lightly / moderately / heavily played, damaged.
             * @example NM
             * @enum {string}
             */
            condition?: "NM" | "LP" | "MP" | "HP" | "DMG";
            currency?: string;
            /**
             * @description Major units, as a number or a decimal string (read exactly).
             * @example 19.99
             */
            fees?: number | string;
            grade?: components["schemas"]["Grade"];
            manual_value?: {
                /**
                 * @description When this value was stated.
                 * @example 2026-11-30
                 */
                as_of: string;
                /**
                 * @description Major units, as a number or a decimal string (read exactly).
                 * @example 19.99
                 */
                unit_value: number | string;
            } | null;
            note?: string | null;
            quantity?: number;
            /**
             * @description Major units, as a number or a decimal string (read exactly).
             * @example 19.99
             */
            unit_cost?: number | string;
        };
        /** @description A chain-linked value-weighted price index (docs/METHODS.md, "Indexes"). */
        MarketIndex: {
            /**
             * @description First date, where the index is 100.
             * @example 2025-10-20
             */
            base_date: string;
            /**
             * @description Percent change, rounded to 4 decimals, from the last value on or before last_date − 1 days to the value on last_date; null when the index has no value that old.
             * @example 2.5
             */
            change_1d: number | null;
            /**
             * @description Percent change, rounded to 4 decimals, from the last value on or before last_date − 7 days to the value on last_date; null when the index has no value that old.
             * @example 2.5
             */
            change_7d: number | null;
            /**
             * @description Percent change, rounded to 4 decimals, from the last value on or before last_date − 30 days to the value on last_date; null when the index has no value that old.
             * @example 2.5
             */
            change_30d: number | null;
            /**
             * @description Printings in the last step (or priced on base_date for a one-point index).
             * @example 96
             */
            constituents: number;
            /**
             * @description Currency of the prices the index is built from.
             * @example USD
             */
            currency: string;
            /**
             * @description `market` (cards), `sealed` (sealed products), or `set-{set id}` (the set’s cards).
             * @example set-base1
             */
            id: string;
            /** @enum {string} */
            kind: "market" | "sealed" | "set";
            /** @example 2026-11-24 */
            last_date: string;
            /** @example tcgplayer */
            market: string;
            /** @example Base index */
            name: string;
            /**
             * @description Dates with a value, base_date through last_date.
             * @example 401
             */
            points: number;
            /** @example base1 */
            set_id: string | null;
            /**
             * @description Value on last_date (base 100), rounded to 4 decimals.
             * @example 104.2731
             */
            value: number;
        };
        /** @description A chain-linked value-weighted price index (docs/METHODS.md, "Indexes"). */
        MarketIndexDetail: components["schemas"]["MarketIndex"] & {
            history: {
                /**
                 * @description Printings in the step into this date; below 5 the value was carried forward.
                 * @example 96
                 */
                constituents: number;
                /** @example 2026-11-24 */
                date: string;
                /**
                 * @description Rounded to 4 decimals.
                 * @example 104.2731
                 */
                value: number;
            }[];
        };
        MarketIndexList: {
            items: components["schemas"]["MarketIndex"][];
            next_cursor: string | null;
        };
        Meta: {
            dataset: {
                demo: boolean;
                details: {
                    [key: string]: string;
                };
                /**
                 * @description demo: invented data from the demo generator, never mixed with real data.
                 * @enum {string}
                 */
                kind: "empty" | "demo" | "real";
            };
            /** @description The upstream APIs and files data comes from, the markets they carry, and their terms. */
            feeds: {
                attribution: string;
                feed: string;
                licence: string;
                markets: string[];
                note?: string;
                url: string;
            }[];
            /** @description Where card and set images load from; the web app’s CSP names exactly these hosts. */
            images: {
                /** @description The origins the catalogue's images load from (empty when remote images are off). */
                hosts: string[];
                /** @description Card images may load from their hosts (REMOTE_IMAGES). */
                remote: boolean;
            };
            markets: {
                coverage_pct: number;
                /** @example USD */
                currency: string;
                /** @description Of those, priced on latest_date. */
                current: number;
                /** @description Days between latest_date and today (UTC). */
                freshness_days: number;
                /** @description Latest date with market prices: the as-of date of derived data. */
                latest_date: string;
                /** @example tcgplayer */
                market: string;
                /** @description Printings with a price in this market. */
                series: number;
                stale: boolean;
            }[];
            /**
             * @deprecated
             * @description Deprecated alias of `feeds` (removed in 0.4.0).
             */
            sources: {
                attribution: string;
                feed: string;
                licence: string;
                markets: string[];
                note?: string;
                url: string;
            }[];
        };
        Mover: {
            card: {
                /** @example sv3pt5-199 */
                id: string;
                /**
                 * @example card
                 * @enum {string}
                 */
                kind: "card" | "sealed";
                /** @example Charizard ex */
                name: string;
                /** @example 199 */
                number: string;
                /** @example Special Illustration Rare */
                rarity: string | null;
                /** @example sv3pt5 */
                set_id: string;
                thumbnail: string | null;
            };
            /**
             * @description Percent, 4 decimals.
             * @example 12.5
             */
            change_pct: number;
            /** @example NM */
            condition: string;
            /** @example USD */
            currency: string;
            /** @example 2025-10-13 */
            from_date: string;
            /** @example 240 */
            from_price: number;
            /** @example tcgplayer */
            market: string;
            /**
             * @description Market-price observations in [from_date, to_date].
             * @example 8
             */
            observations: number;
            printing: {
                cardmarket_product_id: number | null;
                /** @example holofoil */
                finish: string;
                /** @example sv3pt5-199-holofoil */
                id: string;
                /**
                 * @description The printing in words: finish, with its product line when it has one.
                 * @example Holofoil
                 */
                label: string;
                /**
                 * @description Product line when not the set's own product (`world-championship-deck`, `jumbo`, `deck-exclusive`, `prize-pack`, `blister`, `shadowless`, `1st-edition`, `promo`, `other`); null = the set's own product.
                 * @example null
                 */
                product_line: string | null;
                /**
                 * @description The product line in words.
                 * @example World Championship Deck
                 */
                product_line_label: string | null;
                /**
                 * @description The TCGplayer group the product was sold under; null until known.
                 * @example 604
                 */
                tcgplayer_group_id: number | null;
                /** @example 517045 */
                tcgplayer_product_id: number | null;
                /** @example Holofoil */
                tcgplayer_sub_type: string | null;
            };
            /** @example 1 */
            rank: number;
            /**
             * @description The robust z-score: ln(to/from) over the volatility expected for the window; null with too little history.
             * @example 2.31
             */
            robust_z: number | null;
            /** @example 2025-10-20 */
            to_date: string;
            /** @example 270 */
            to_price: number;
            /** @enum {string} */
            window: "1d" | "7d" | "30d" | "90d";
            /**
             * @deprecated
             * @description Deprecated alias of `robust_z` (removed in 0.4.0).
             * @example 2.31
             */
            zscore: number | null;
        };
        MoverList: {
            items: components["schemas"]["Mover"][];
            next_cursor: string | null;
        };
        NewLot: {
            /** @example 2026-11-02 */
            acquired_on: string;
            /**
             * @description With `finish` when the card has several printings.
             * @example base1-4
             */
            card_id?: string;
            /**
             * @description Near mint, lightly / moderately / heavily played, damaged.
             * @example NM
             * @enum {string}
             */
            condition?: "NM" | "LP" | "MP" | "HP" | "DMG";
            /**
             * @description ISO 4217 code of the amounts.
             * @example USD
             */
            currency: string;
            /**
             * @description Added to the cost basis. Default 0.
             * @example 19.99
             */
            fees?: number | string;
            /** @example holofoil */
            finish?: string;
            grade?: components["schemas"]["Grade"];
            /**
             * @description An item outside the catalogue (a sealed product, a slab); value it with `manual_value`.
             * @example Base Set booster box (sealed)
             */
            item_name?: string;
            /** @description Per-unit value stated by the owner, in the lot currency; shown as such. */
            manual_value?: {
                /**
                 * @description When this value was stated.
                 * @example 2026-11-30
                 */
                as_of: string;
                /**
                 * @description Major units, as a number or a decimal string (read exactly).
                 * @example 19.99
                 */
                unit_value: number | string;
            } | null;
            note?: string | null;
            /** @example base1-4.holofoil */
            printing_id?: string;
            /** @example 2 */
            quantity: number;
            /**
             * @description Major units, as a number or a decimal string (read exactly).
             * @example 19.99
             */
            unit_cost: number | string;
        };
        NewSale: {
            /**
             * @description With `finish` when the card has several printings.
             * @example base1-4
             */
            card_id?: string;
            /**
             * @description Near mint, lightly / moderately / heavily played, damaged.
             * @example NM
             * @enum {string}
             */
            condition?: "NM" | "LP" | "MP" | "HP" | "DMG";
            /** @example USD */
            currency: string;
            /**
             * @description Selling fees, deducted from the proceeds. Default 0.
             * @example 19.99
             */
            fees?: number | string;
            /** @example holofoil */
            finish?: string;
            grade?: components["schemas"]["Grade"];
            /** @description For an item outside the catalogue: its lot. */
            lot_id?: string;
            note?: string | null;
            /** @example base1-4.holofoil */
            printing_id?: string;
            /**
             * @description Total received, before fees.
             * @example 450
             */
            proceeds: number | string;
            /** @example 1 */
            quantity: number;
            /** @example 2026-11-20 */
            sold_on: string;
        };
        Order: {
            budget: number;
            cancelled_at: string | null;
            currency: string;
            executed_at: string | null;
            /** @example ord_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            id: string;
            /** @description Σ sell amounts (not added to the budget). */
            proceeds: number;
            proposed_at: string;
            /** @description Σ buy amounts, at most the budget. */
            spent: number;
            /** @enum {string} */
            status: "proposed" | "executed" | "cancelled";
            /** @enum {string} */
            target_kind: "weight" | "exposure";
            trades: components["schemas"]["OrderTrade"][];
        };
        OrderTrade: {
            /** @description quantity × unit_price. */
            amount: number;
            /** @description Date of the price. */
            as_of: string;
            /**
             * @description Near mint, lightly / moderately / heavily played, damaged.
             * @example NM
             * @enum {string}
             */
            condition: "NM" | "LP" | "MP" | "HP" | "DMG";
            currency: string;
            printing: {
                id: string;
                name: string;
            };
            quantity: number;
            /** @enum {string} */
            side: "buy" | "sell";
            /** @description Estimated at the current price (major units). */
            unit_price: number;
        };
        PerformancePoint: {
            /**
             * @description Open cost basis, major units.
             * @example 1100
             */
            cost: number;
            /**
             * @description Return since the previous point, percent; null where the previous value is 0.
             * @example 0.35
             */
            daily_return_pct: number | null;
            /** @example 2026-11-24 */
            date: string;
            /**
             * @description Net external flow since the previous point: purchases with fees positive, sale proceeds net of fees negative.
             * @example 0
             */
            flow: number;
            /**
             * @description Holdings valued on that date.
             * @example 12
             */
            priced: number;
            /** @enum {string} */
            source: "snapshot" | "reconstructed";
            /**
             * @description Time-weighted return index, 100 on the first point.
             * @example 104.2
             */
            twr_index: number;
            /**
             * @description Holdings without a price (not in `value`).
             * @example 1
             */
            unpriced: number;
            /**
             * @description Priced holdings at that date, major units of `currency`.
             * @example 1234.5
             */
            value: number;
        };
        PipelineRun: {
            counts: {
                [key: string]: unknown;
            } | null;
            duration_ms: number | null;
            error: string | null;
            finished_at: string | null;
            /** @description Its last heartbeat. */
            heartbeat_at: string | null;
            /** @description The process that ran it (host:pid/instance). */
            holder: string | null;
            id: string;
            range_from: string | null;
            range_to: string | null;
            started_at: string;
            /**
             * @description `abandoned`: its process died (no heartbeat for 3 × RUN_HEARTBEAT_SECONDS).
             * @enum {string}
             */
            status: "running" | "succeeded" | "failed" | "skipped" | "abandoned";
            /** @example read-models */
            step: string;
            /** @description schedule, cli or api */
            trigger: string;
        };
        Portfolio: {
            /**
             * @description Currency of valuations and P&L.
             * @example USD
             */
            base_currency: string;
            /** @enum {string} */
            cost_method: "fifo" | "average";
            counts: {
                lots: number;
                sales: number;
                watchlist: number;
            };
            created_at: string;
            /** @example pf_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            id: string;
            name: string | null;
            /** @enum {string} */
            preferred_market: "tcgplayer" | "cardmarket";
            /** @enum {string} */
            price_field: "market" | "low";
            /** @description Bumped by every change to the portfolio. */
            revision: number;
            updated_at: string | null;
        };
        PortfolioAttribution: {
            coverage: number | null;
            currency: string;
            /** @description The same holdings at the end prices. */
            end_value: number;
            /** @description Σ contributions. */
            explained: number | null;
            factors: {
                contribution: number | null;
                /** @description Signal dates with a coefficient. */
                dates: number;
                /** @description At the start. */
                exposure: number | null;
                factor: string;
                /** @description Σ daily regression coefficients. */
                factor_return: number | null;
                missing_dates: number;
            }[];
            from: string;
            not_valued: components["schemas"]["PortfolioNotValued"][];
            /** @description return − explained. */
            residual: number | null;
            /** @description ln(end_value / start_value). */
            return: number | null;
            signal: components["schemas"]["PortfolioSignalUsed"];
            signal_dates: number;
            simple_return: number | null;
            /** @description The start holdings at the start prices. */
            start_value: number;
            to: string;
            without_end_price: {
                holding: string;
                printing_id: string;
            }[];
        };
        PortfolioExport: {
            exported_at?: string;
            /** @enum {string} */
            format: "cardquant.portfolio";
            /** @enum {number} */
            format_version: 1;
            lots: components["schemas"]["ExportedLot"][];
            portfolio: {
                base_currency: string;
                /** @enum {string} */
                cost_method: "fifo" | "average";
                created_at?: string;
                id?: string;
                name: string | null;
                /** @enum {string} */
                preferred_market: "tcgplayer" | "cardmarket";
                /** @enum {string} */
                price_field: "market" | "low";
            };
            sales: components["schemas"]["ExportedSale"][];
            watchlist: {
                added_at: string;
                printing_id: string;
            }[];
        };
        PortfolioExposures: {
            /**
             * @description covered_value / value.
             * @example 0.92
             */
            coverage: number | null;
            /** @description Value of the holdings with a signal. */
            covered_value: number;
            /** @example USD */
            currency: string;
            factors: {
                /**
                 * @description Σ value share × standardised value.
                 * @example 0.42
                 */
                exposure: number | null;
                /** @example trend */
                factor: string;
            }[];
            /**
             * @description Value of the valued holdings.
             * @example 1250.5
             */
            value: number;
        };
        PortfolioExposuresAnswer: {
            as_of: string;
            /**
             * @description covered_value / value.
             * @example 0.92
             */
            coverage: number | null;
            /** @description Value of the holdings with a signal. */
            covered_value: number;
            /** @example USD */
            currency: string;
            factors: {
                /**
                 * @description Σ value share × standardised value.
                 * @example 0.42
                 */
                exposure: number | null;
                /** @example trend */
                factor: string;
            }[];
            /** @description Holdings without a market value (never counted as 0). */
            not_valued: components["schemas"]["PortfolioNotValued"][];
            signal: components["schemas"]["PortfolioSignalUsed"];
            /**
             * @description Value of the valued holdings.
             * @example 1250.5
             */
            value: number;
            /** @description Valued holdings left out of the exposures. */
            without_signal: {
                /**
                 * @description Near mint, lightly / moderately / heavily played, damaged.
                 * @example NM
                 * @enum {string}
                 */
                condition: "NM" | "LP" | "MP" | "HP" | "DMG";
                currency: string;
                holding: string;
                name: string;
                printing_id: string;
                value: number;
            }[];
        };
        PortfolioHoldings: {
            /**
             * @description The valuation date.
             * @example 2026-11-21
             */
            as_of: string;
            /** @enum {string} */
            cost_method: "fifo" | "average";
            /**
             * @description The portfolio base currency.
             * @example USD
             */
            currency: string;
            fx: components["schemas"]["FxRateUsed"][];
            holdings: components["schemas"]["ValuedHolding"][];
            portfolio_id: string;
            preferred_market: string;
            /** @enum {string} */
            price_field: "market" | "low";
            unpriced: components["schemas"]["UnpricedHolding"][];
        };
        PortfolioNotValued: {
            holding: string;
            item_name: string | null;
            printing_id: string | null;
            quantity: number;
            /** @enum {string} */
            reason: "outside_catalogue" | "graded" | "no_price" | "no_fx_rate" | "manual_value";
        };
        PortfolioPerformance: {
            /**
             * @description The portfolio's base currency.
             * @example USD
             */
            currency: string;
            /** @example 2026-01-01 */
            from: string;
            metrics: {
                /**
                 * @description Why `irr_pct` is null.
                 * @enum {string|null}
                 */
                irr_failure: "too_few_flows" | "one_date" | "no_sign_change" | "no_root" | null;
                /**
                 * @description Money-weighted return (XIRR, Actual/365), percent a year.
                 * @example 6.1
                 */
                irr_pct: number | null;
                market: {
                    /** @description OLS slope of daily returns on the index’s daily returns. */
                    beta: number | null;
                    beta_observations: number;
                    /** @description twr_pct − index_return_pct. */
                    excess_return_pct: number | null;
                    /** @example market */
                    index_id: string;
                    index_return_pct: number | null;
                };
                max_drawdown: {
                    /**
                     * @description Largest fall of the TWR index from its running peak, percent (≤ 0).
                     * @example -8.5
                     */
                    pct: number;
                    peak_date: string | null;
                    trough_date: string | null;
                };
                /**
                 * @description Time-weighted return over the series, percent.
                 * @example 4.2
                 */
                twr_pct: number | null;
            };
            portfolio_id: string;
            reconstructed_points: number;
            series: components["schemas"]["PerformancePoint"][];
            snapshot_points: number;
            /**
             * @description Where the points came from: stored snapshots, reconstruction from the ledger and price history, or both.
             * @enum {string}
             */
            source: "snapshots" | "reconstructed" | "mixed";
            /** @example 2026-11-24 */
            to: string;
        };
        PortfolioScenario: {
            add?: {
                /**
                 * @description Near mint, lightly / moderately / heavily played, damaged.
                 * @example NM
                 * @enum {string}
                 */
                condition?: "NM" | "LP" | "MP" | "HP" | "DMG";
                printing_id: string;
                quantity: number;
                /**
                 * @description Per unit in the base currency; default the current price (no P&L on adding).
                 * @example 19.99
                 */
                unit_cost?: number | string;
            }[];
            remove?: {
                /**
                 * @description Near mint, lightly / moderately / heavily played, damaged.
                 * @example NM
                 * @enum {string}
                 */
                condition?: "NM" | "LP" | "MP" | "HP" | "DMG";
                printing_id: string;
                quantity: number;
            }[];
            shocks?: {
                /**
                 * @description Percent price change, above −100 and at most 1,000.
                 * @example -20
                 */
                pct: number;
                rarity?: string;
                /** @enum {string} */
                scope: "market" | "set" | "rarity";
                set_id?: string;
            }[];
        };
        PortfolioScenarioAnswer: {
            as_of: string;
            current: components["schemas"]["PortfolioScenarioSide"];
            not_valued: components["schemas"]["PortfolioNotValued"][];
            scenario: components["schemas"]["PortfolioScenarioSide"];
            signal: components["schemas"]["PortfolioSignalUsed"];
        };
        PortfolioScenarioSide: {
            cost_basis: number;
            currency: string;
            exposures: components["schemas"]["PortfolioExposures"];
            /** @description value − cost_basis. */
            unrealized_pnl: number;
            value: number;
        };
        PortfolioSettingsPatch: {
            /**
             * @description EUR or a currency whose ECB reference rates are imported (FX_CURRENCIES).
             * @example USD
             */
            base_currency?: string;
            /** @enum {string} */
            cost_method?: "fifo" | "average";
            name?: string | null;
            /** @enum {string} */
            preferred_market?: "tcgplayer" | "cardmarket";
            /** @enum {string} */
            price_field?: "market" | "low";
        };
        PortfolioSignalUsed: {
            /** @description Signal date used; null when there is none. */
            date: string | null;
            /** @example robust-trend */
            engine: string;
            /** @example 2 */
            engine_version: string;
            /** @example robust-trend@2:builtin */
            weights_version: string;
        };
        PortfolioSummary: {
            /**
             * @description The valuation date.
             * @example 2026-11-21
             */
            as_of: string;
            /** @description Open cost basis of the priced holdings. */
            cost: number;
            /** @description Cost of everything bought up to as_of. */
            cost_bought: number;
            /** @enum {string} */
            cost_method: "fifo" | "average";
            /**
             * @description The portfolio base currency.
             * @example USD
             */
            currency: string;
            fx: components["schemas"]["FxRateUsed"][];
            portfolio_id: string;
            preferred_market: string;
            /** @enum {string} */
            price_field: "market" | "low";
            priced_holdings: number;
            /** @description Net proceeds of every sale up to as_of. */
            proceeds: number;
            /** @description Realized P&L of every sale up to as_of. */
            realized: number;
            /** @description (realized + unrealized) / cost_bought, percent, 4 decimals; null before any purchase. */
            total_return_pct: number | null;
            /** @description Sales left out of realized: an amount has no rate. */
            unconverted_sales: number;
            /** @description Open cost basis of the unpriced holdings. */
            unpriced_cost: number;
            /** @description Never counted as 0: left out of value and cost. */
            unpriced_holdings: number;
            unrealized: number;
            /** @description Market (and manual) value of the priced holdings. */
            value: number;
        };
        PortfolioTargets: {
            exposures?: {
                factor: string;
                /** @description Target value-weighted standardised exposure. */
                target: number;
            }[];
            weights?: {
                printing_id: string;
                /** @description Fraction of the portfolio value. */
                weight: number;
            }[];
        };
        PortfolioTargetsAnswer: {
            exposures: {
                factor: string;
                target: number;
                updated_at: string;
            }[];
            weights: {
                printing_id: string;
                updated_at: string;
                weight: number;
            }[];
        };
        PriceSeries: {
            /** @example 2025-10-20 */
            as_of: string;
            changes: {
                "1d": components["schemas"]["Change"];
                "7d": components["schemas"]["Change"];
                "30d": components["schemas"]["Change"];
                "90d": components["schemas"]["Change"];
            };
            /** @example NM */
            condition: string;
            /** @example USD */
            currency: string;
            /**
             * @description Days between price_date and as_of.
             * @example 0
             */
            days_behind: number;
            /**
             * @description The series' newest stored print when it is newer than `price_date`: it is flagged (`flag` says why), so `price`, the changes, movers, indexes and analytics use the last unflagged print instead (docs/METHODS.md, "Flagged prints"); null when the latest print is used.
             * @example null
             */
            flagged_after: {
                /** @example 2025-10-21 */
                date: string;
                /** @enum {string} */
                flag: "placeholder_price" | "jump" | "return_outlier";
                /** @example 9999.99 */
                price: number;
            } | null;
            /** @description This series is the card's headline price. */
            headline: boolean;
            /** @example tcgplayer */
            market: string;
            /** @example 389.99 */
            price: number;
            /** @example 2025-10-20 */
            price_date: string;
            stale: boolean;
        };
        Printing: {
            /** @example 273699 */
            cardmarket_product_id: number | null;
            /** @example holofoil */
            finish: string;
            /** @example base1-4-holofoil */
            id: string;
            /**
             * @description The printing in words: finish, with its product line when it has one.
             * @example Holofoil
             */
            label: string;
            /** @example en */
            language: string;
            prices: components["schemas"]["PriceSeries"][];
            /**
             * @description Product line when not the set's own product (`world-championship-deck`, `jumbo`, `deck-exclusive`, `prize-pack`, `blister`, `shadowless`, `1st-edition`, `promo`, `other`); null = the set's own product.
             * @example null
             */
            product_line: string | null;
            /**
             * @description The product line in words.
             * @example World Championship Deck
             */
            product_line_label: string | null;
            /**
             * @description The TCGplayer group the product was sold under; null until known.
             * @example 604
             */
            tcgplayer_group_id: number | null;
            /** @example 42382 */
            tcgplayer_product_id: number | null;
            /**
             * @description TCGplayer's subTypeName, verbatim.
             * @example Holofoil
             */
            tcgplayer_sub_type: string | null;
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            /** @description Stable machine-readable error code. */
            code: string;
            detail: string;
            errors?: {
                field: string;
                message: string;
            }[];
            instance: string;
            request_id?: string;
            status: number;
            title: string;
            type: string;
        };
        ProposeOrder: {
            /**
             * @description Most cash spent on buys.
             * @example 500
             */
            budget: number | string;
            /**
             * @description Of the budget; default the base currency.
             * @example USD
             */
            currency?: string;
            /**
             * @description Which targets, when both kinds are set.
             * @enum {string}
             */
            use?: "weight" | "exposure";
        };
        PublicWeightsVersion: {
            /** @description Whether SIGNALS_WEIGHTS selects this version in this process. */
            active: boolean;
            created_at: string;
            engine: string;
            engine_version: string;
            /**
             * @description Where the weights came from.
             * @enum {string}
             */
            origin: "builtin" | "manual" | "suggested";
            /**
             * @deprecated
             * @description Deprecated alias of `origin` (removed in 0.4.0).
             * @enum {string}
             */
            source: "builtin" | "manual" | "suggested";
            /** @example robust-trend@2:builtin */
            version: string;
            weights: {
                [key: string]: number;
            };
        };
        RarityList: {
            items: components["schemas"]["FacetValue"][];
            next_cursor: string | null;
        };
        /**
         * @example {
         *       "action": "dismiss",
         *       "note": "Confirmed on TCGplayer: a real sale."
         *     }
         */
        ResolveAnomaly: {
            /**
             * @description acknowledge: seen, being handled; dismiss: the data is right (final).
             * @enum {string}
             */
            action: "acknowledge" | "dismiss";
            /**
             * @description Required to dismiss.
             * @example Confirmed on TCGplayer: a real sale.
             */
            note?: string;
        };
        RestoreDrill: {
            backup_id: string | null;
            /** @description The recovery time: fetch, decrypt, restore and verify. */
            duration_seconds: number;
            error: string | null;
            id: string;
            mismatches: string[];
            /** @enum {string} */
            result: "passed" | "failed";
            started_at: string;
        } | null;
        RotatedPortfolioSecret: {
            id: string;
            rotated_at: string;
            /** @description The new secret, shown once. The old one is refused from now on. */
            secret: string;
        };
        RotatedWebhookSecret: {
            /** @example whe_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            id: string;
            previous_secret_expires_at: string | null;
            rotated_at: string;
            /** @description The new secret, shown once. */
            secret: string;
        };
        Sale: {
            /**
             * @description Near mint, lightly / moderately / heavily played, damaged.
             * @example NM
             * @enum {string}
             */
            condition: "NM" | "LP" | "MP" | "HP" | "DMG";
            created_at: string;
            currency: string;
            fees: number;
            grade: components["schemas"]["Grade"];
            /** @example sale_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            id: string;
            lot_id: string | null;
            /** @description proceeds − fees. */
            net_proceeds: number;
            note: string | null;
            /** @enum {string} */
            origin: "manual" | "import" | "order";
            printing: components["schemas"]["LedgerPrinting"];
            proceeds: number;
            quantity: number;
            sold_on: string;
        };
        /** @description Null when an amount has no ECB rate to convert it. */
        SaleRealized: {
            /** @description Basis the sale removed, by the portfolio cost method. */
            cost_basis: number;
            /**
             * @description The portfolio base currency.
             * @example USD
             */
            currency: string;
            /** @description Rates used: the sale date rate for the proceeds, the acquisition date rates of the lots. */
            fx: components["schemas"]["FxRateUsed"][];
            /** @description Realized P&L: net_proceeds − cost_basis. */
            gain: number;
            /** @description Proceeds − fees, at the sale date rate. */
            net_proceeds: number;
        } | null;
        SaleWithRealized: components["schemas"]["Sale"] & {
            realized: components["schemas"]["SaleRealized"];
        };
        Set: {
            /**
             * @description Cards in the catalogue.
             * @example 102
             */
            cards: number;
            /** @example USD */
            currency: string | null;
            /**
             * @description The family of sets it belongs to (docs/GLOSSARY.md).
             * @example Base
             */
            era: string | null;
            /** @example base1 */
            id: string;
            /**
             * @example {
             *       "symbol": "https://images.pokemontcg.io/base1/symbol.png"
             *     }
             */
            images: {
                [key: string]: string;
            };
            /**
             * @description The set’s price index, see /v1/indexes.
             * @example set-base1
             */
            index_id: string;
            /** @example Base */
            name: string;
            /**
             * @description Cards with a headline price.
             * @example 98
             */
            priced_cards: number;
            /** @example 102 */
            printed_total: number | null;
            /** @example 170 */
            printings: number;
            /** @example 1999-01-09 */
            release_date: string | null;
            /**
             * @deprecated
             * @description Deprecated alias of `era` (removed in 0.4.0).
             * @example Base
             */
            series: string | null;
            /** @example 102 */
            total: number | null;
            /**
             * @description Sum of the headline prices of the cards priced in `currency`, major units.
             * @example 2150.35
             */
            value: number | null;
        };
        SetList: {
            items: components["schemas"]["Set"][];
            next_cursor: string | null;
        };
        SignalExplanation: {
            /** @enum {string|null} */
            action: "BUY" | "HOLD" | "SELL" | null;
            card_id: string;
            confidence: number | null;
            contributions: {
                component: string;
                /** @description weight × standardised (0 when unavailable). */
                contribution: number;
                description: string;
                raw: number | null;
                standardised: number | null;
                weight: number;
            }[];
            date: string | null;
            engine: string;
            engine_version: string;
            min_history: number;
            model: {
                [key: string]: number;
            } | null;
            observations: number | null;
            printing_id: string | null;
            reasons: {
                /** @example trend:high */
                code: string;
                /** @example Trend is strong: +1.8 robust standard deviations against the market that day. */
                text: string;
            }[];
            score: number | null;
            score_map: string;
            /** @enum {string} */
            status: "ok" | "insufficient_data" | "no_signal";
            thresholds: {
                buy_z: number;
                min_confidence: number;
                sell_z: number;
            };
            weights_version: string;
            /** @description Equals the sum of the contributions. */
            z: number | null;
        };
        SignalHistory: {
            card_id: string;
            /** @example robust-trend */
            engine: string;
            /** @example 1 */
            engine_version: string;
            items: components["schemas"]["SignalPoint"][];
            latest: components["schemas"]["SignalPoint"];
            min_history: number;
            printing_id: string | null;
            /** @example robust-trend@2:builtin */
            weights_version: string;
        };
        /** @description The newest signal; null when the printing has none (never a neutral placeholder). */
        SignalPoint: {
            /** @enum {string|null} */
            action: "BUY" | "HOLD" | "SELL" | null;
            /** @description Standardised components (robust z across printings that day, clamped to ±3). */
            components: {
                [key: string]: number | null;
            } | null;
            /**
             * @description Liquidity/density confidence in [0, 1].
             * @example 0.62
             */
            confidence: number | null;
            /** @example USD */
            currency: string;
            /** @example 2026-11-20 */
            date: string;
            /**
             * @description Market-price observations inside the window.
             * @example 212
             */
            observations: number;
            /**
             * @description Last market price on or before the date, major units.
             * @example 412.5
             */
            price: number | null;
            reasons: {
                /** @example trend:high */
                code: string;
                /** @example Trend is strong: +1.8 robust standard deviations against the market that day. */
                text: string;
            }[];
            /**
             * @description score = round(100 · Φ(z), 1), Φ the standard normal distribution function: z = 0 → 50, z = 1 → 84.1, z = −1 → 15.9
             * @example 88.7
             */
            score: number | null;
            /** @enum {string} */
            status: "ok" | "insufficient_data";
            used_search_interest: boolean;
            /**
             * @description Composite: Σ weight × standardised component.
             * @example 1.21
             */
            z: number | null;
        } | null;
        SloObjective: {
            /** @example 0.999 */
            availability_target: number;
            enabled: boolean;
            /** @example 0.999 */
            latency_target: number;
            latency_threshold_seconds: number;
            /** @example GET */
            method: string;
            /** @example /v1/cards/:id */
            route: string;
            /** @enum {string} */
            source: "default" | "configured";
        };
        SloStatus: {
            alerts: {
                firing: boolean;
                /** @enum {string} */
                severity: "page" | "ticket";
                since: string | null;
            }[];
            /** @description Fraction of the 30-day error budget left (negative: overspent). */
            budget_remaining: number;
            burn_rates: {
                rate: number;
                window_minutes: number;
            }[];
            events: {
                bad: number;
                total: number;
            };
            latency_threshold_seconds: number | null;
            /** @example availability:GET /v1/cards/:id */
            name: string;
            /** @enum {string} */
            sli: "availability" | "latency" | "pipeline_deadline" | "freshness" | "delivery_success" | "delivery_latency";
            /** @enum {string} */
            status: "ok" | "ticket" | "page";
            target: number;
        };
        Subscriber: {
            address: string;
            confirmed_at: string | null;
            created_at: string;
            digest: boolean;
            /** @enum {string} */
            status: "pending" | "confirmed" | "unsubscribed";
        };
        SubscribeRequest: {
            /**
             * Format: email
             * @example collector@example.com
             */
            address: string;
            /** @description One daily digest e-mail instead of one per alert. */
            digest?: boolean;
        };
        SubscriberPatch: {
            digest: boolean;
        };
        /** @description The same answer whatever the address’s state. */
        SubscriptionAccepted: {
            detail: string;
            /** @enum {string} */
            status: "accepted";
        };
        TypeList: {
            items: components["schemas"]["FacetValue"][];
            next_cursor: string | null;
        };
        UnmatchedProduct: {
            /**
             * @description TCGplayer group the product is sold under.
             * @example 604
             */
            group_id: number | null;
            /** @example Base Set */
            group_name: string | null;
            /**
             * @description Product name from its listing; null when no listing was imported.
             * @example Mewtwo
             */
            name: string | null;
            /**
             * @description Card number from its listing.
             * @example 010/102
             */
            number: string | null;
            /**
             * @description TCGplayer product id.
             * @example 42347
             */
            product_id: number;
            /**
             * @description Why its rows were rejected (docs/METHODS.md, "Price acceptance rules").
             * @example unmapped_product
             */
            reason: string;
            /**
             * @description Price rows of the product the run rejected.
             * @example 3
             */
            rows: number;
            /** @description The catalogue card of the same number in the set(s) of the group (same name first); a hint, never applied by itself. */
            suggested_card: {
                id: string;
                name: string;
                set_id: string;
            } | null;
        };
        UnmatchedProductList: {
            items: components["schemas"]["UnmatchedProduct"][];
            next_cursor: string | null;
        };
        UnpricedHolding: {
            /**
             * @description Near mint, lightly / moderately / heavily played, damaged.
             * @example NM
             * @enum {string}
             */
            condition: "NM" | "LP" | "MP" | "HP" | "DMG";
            /** @description Null when a lot cost itself has no rate. */
            cost_basis: number | null;
            currency: string;
            grade: {
                company: string;
                grade: string;
            } | null;
            /**
             * @description The holding key (printing, condition, grade).
             * @example p12|NM|
             */
            holding: string;
            item_name: string | null;
            /** @description The open lots, oldest first. */
            lot_ids: string[];
            /** @description Null for an item outside the catalogue. */
            printing: {
                /** @example base1-4 */
                card_id: string;
                /** @example holofoil */
                finish: string;
                /** @example base1-4.holofoil */
                id: string;
                /** @example Charizard */
                name: string;
                /** @example 4 */
                number: string;
                /** @example base1 */
                set_id: string;
            } | null;
            quantity: number;
            /**
             * @description no_price: no market price nor manual value; graded: a graded copy without a manual value.
             * @enum {string}
             */
            reason: "no_price" | "graded" | "no_fx_rate";
        };
        ValuedHolding: {
            /**
             * @description Near mint, lightly / moderately / heavily played, damaged.
             * @example NM
             * @enum {string}
             */
            condition: "NM" | "LP" | "MP" | "HP" | "DMG";
            /** @description Open cost basis, at the acquisition dates rates. */
            cost_basis: number;
            /** @description Base currency of cost_basis, market_value, unrealized. */
            currency: string;
            fx: components["schemas"]["FxRateUsed"] & (Record<string, never> | null);
            grade: {
                company: string;
                grade: string;
            } | null;
            /**
             * @description The holding key (printing, condition, grade).
             * @example p12|NM|
             */
            holding: string;
            item_name: string | null;
            /** @description The open lots, oldest first. */
            lot_ids: string[];
            /** @description quantity × unit price, at the valuation date rate. */
            market_value: number;
            /** @description Null for an item outside the catalogue. */
            printing: {
                /** @example base1-4 */
                card_id: string;
                /** @example holofoil */
                finish: string;
                /** @example base1-4.holofoil */
                id: string;
                /** @example Charizard */
                name: string;
                /** @example 4 */
                number: string;
                /** @example base1 */
                set_id: string;
            } | null;
            quantity: number;
            unit_price: {
                /** @description Per unit, in the price currency. */
                amount: number;
                /** @description The condition of the price (NM on a fallback). */
                condition: string | null;
                currency: string;
                /** @description Date of the price, or when the manual value was stated. */
                date: string;
                /** @enum {string|null} */
                field: "market" | "low" | null;
                flags: ("condition_fallback" | "market_fallback" | "field_fallback" | "stale" | "manual")[];
                market: string | null;
                /**
                 * @description `manual`: stated by the owner.
                 * @enum {string}
                 */
                source: "market" | "manual";
            };
            unrealized: number;
        };
        WatchlistEntry: {
            /** @example 2026-11-25T12:00:00.000Z */
            added_at: string;
            /** @example base1-4.holofoil */
            printing_id: string;
        };
        WatchlistItem: {
            /** @example 2026-11-25T12:00:00.000Z */
            added_at: string;
            card: {
                /** @example base1-4 */
                id: string;
                /** @example Charizard */
                name: string;
                /** @example 4 */
                number: string;
                /** @example base1 */
                set_id: string;
            };
            changes: {
                "1d": components["schemas"]["Change"];
                "7d": components["schemas"]["Change"];
                "30d": components["schemas"]["Change"];
                "90d": components["schemas"]["Change"];
            };
            /** @description TCGplayer USD near mint when there is one, else the first series by market, currency, condition; null without prices. */
            price: {
                /** @example NM */
                condition: string;
                /** @example USD */
                currency: string;
                /**
                 * @description Date of the latest market price.
                 * @example 2026-11-24
                 */
                date: string;
                /** @example tcgplayer */
                market: string;
                /**
                 * @description Major units of `currency`.
                 * @example 389.99
                 */
                price: number;
                /**
                 * @description The latest price is more than 3 days behind its market.
                 * @example false
                 */
                stale: boolean;
            } | null;
            printing: {
                /** @example base1-4 */
                card_id: string;
                /** @example 273699 */
                cardmarket_product_id: number | null;
                /** @example holofoil */
                finish: string;
                /** @example base1-4.holofoil */
                id: string;
                /**
                 * @description The printing in words: finish, with its product line when it has one.
                 * @example Holofoil
                 */
                label: string;
                /**
                 * @description Product line when not the set's own product (`world-championship-deck`, `jumbo`, `deck-exclusive`, `prize-pack`, `blister`, `shadowless`, `1st-edition`, `promo`, `other`); null = the set's own product.
                 * @example null
                 */
                product_line: string | null;
                /**
                 * @description The product line in words.
                 * @example World Championship Deck
                 */
                product_line_label: string | null;
                /**
                 * @description The TCGplayer group the product was sold under; null until known.
                 * @example 604
                 */
                tcgplayer_group_id: number | null;
                /** @example 42382 */
                tcgplayer_product_id: number | null;
                /** @example Holofoil */
                tcgplayer_sub_type: string | null;
            };
        };
        WebhookAttempt: {
            attempt: number;
            delivery_id: string;
            duration_ms: number;
            error_class: string | null;
            event_type: string;
            id: string;
            /** @description delivered, retry, failed or suppressed. */
            outcome: string;
            /** @description The first 4 KB of the answer. */
            response_excerpt: string | null;
            started_at: string;
            status_code: number | null;
        };
        WebhookEndpoint: {
            created_at: string;
            description: string | null;
            disabled_at: string | null;
            /** @description Why the endpoint was disabled (410, failing run). */
            disabled_reason: string | null;
            /** @description Start of the current run of failed attempts. */
            failing_since: string | null;
            host: string;
            /** @example whe_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            id: string;
            /** @enum {string} */
            kind: "standard" | "discord";
            /** @description During a rotation: until when the previous secret also signs. */
            previous_secret_expires_at: string | null;
            /** @enum {string} */
            status: "enabled" | "disabled";
            updated_at: string;
            /** @description The URL; a Discord URL's token is masked. */
            url: string;
        };
        WebhookEndpointPatch: {
            /** @example Price alerts for the shop */
            description?: string | null;
            /**
             * @description Re-enables a disabled endpoint.
             * @enum {string}
             */
            status?: "enabled";
            /**
             * @description http(s), no credentials, at most 2048 characters; must not resolve to a loopback, private, link-local, unique-local or unspecified address (unless the operator allows it). Discord: `<DISCORD_API_BASE>/api/webhooks/<id>/<token>`.
             * @example https://203.0.113.10/hooks/cardquant
             */
            url?: string;
        };
        WebhookTestQueued: {
            delivery_id: string;
            /** @example whe_01JDX8M3Q5W7ZK2N4R6T8V0B1C */
            endpoint_id: string;
            /** @enum {string} */
            status: "pending";
        };
        WeightsVersion: {
            /** @description Whether SIGNALS_WEIGHTS selects this version in this process. */
            active: boolean;
            created_at: string;
            created_by: string | null;
            engine: string;
            engine_version: string;
            note: string | null;
            /**
             * @description Where the weights came from.
             * @enum {string}
             */
            origin: "builtin" | "manual" | "suggested";
            /**
             * @deprecated
             * @description Deprecated alias of `origin` (removed in 0.4.0).
             * @enum {string}
             */
            source: "builtin" | "manual" | "suggested";
            /** @example robust-trend@2:builtin */
            version: string;
            weights: {
                [key: string]: number;
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
