export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
  requestId: string;
}

/** Every error the API sends has this shape (DESIGN.md, API conventions). */
export interface ErrorEnvelope {
  success: false;
  error: ErrorBody;
}

export function errorEnvelope(
  code: string,
  message: string,
  requestId: string,
  details?: unknown,
): ErrorEnvelope {
  return {
    success: false,
    error: details === undefined ? { code, message, requestId } : { code, message, details, requestId },
  };
}
