/**
 * Typed errors. Code throws these; one `onError` handler turns them into RFC 9457 problem JSON.
 * `code` is stable and machine-readable; `title` is a short human summary of the code. Codes come
 * from the registry in error-codes.ts, and the status given must be the one registered for the code.
 */
import type { CodeWithStatus, ErrorCode, NotFoundNoun, StatusOf } from './error-codes.ts';

export interface FieldProblem {
  /** Where the offending value is: `body.role`, `query.limit`, `header.idempotency-key`. */
  field: string;
  message: string;
}

/** @example throw new AppError(409, 'watchlist_full', 'A watchlist holds at most 100 printings.') */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  constructor(
    status: StatusOf<C>,
    code: C,
    message: string,
    readonly extra: { fields?: FieldProblem[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
  }
}

/** @example throw new NotFound('portfolio', id) */
export class NotFound extends AppError {
  constructor(what: NotFoundNoun, id: string) {
    super(404, `${what}_not_found`, `No ${what} with id ${id}.`);
  }
}

export class Unauthorized extends AppError {
  constructor(message = 'Authentication is required for this route.', code: CodeWithStatus<401> = 'unauthorized') {
    super(401, code, message, { headers: { 'WWW-Authenticate': 'Bearer realm="cardquant"' } });
  }
}

export class Forbidden extends AppError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class ValidationFailed extends AppError {
  constructor(fields: FieldProblem[]) {
    super(422, 'validation_failed', 'The request has invalid fields.', { fields });
  }
}

export class Conflict extends AppError {
  constructor(code: CodeWithStatus<409>, message: string) {
    super(409, code, message);
  }
}

/** Titles per HTTP status for problem documents. */
export const statusTitles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
