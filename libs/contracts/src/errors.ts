/** One field-level problem in a rejected request. */
export interface ErrorDetail {
  /** The field path, e.g. `samples[3].value`. */
  field: string;
  /** The rule that failed, e.g. `isFinite`. */
  rule: string;
  message: string;
}

/** The one error shape of IDM's REST API and socket acknowledgements. */
export interface ErrorResponse {
  statusCode: number;
  error: string;
  message: string;
  details?: ErrorDetail[];
}
