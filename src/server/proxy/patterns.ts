// Strict shapes of every identifier that reaches an upstream URL or body. They admit no `/`, `.`, `%`, whitespace or
// control character, so no decoding trick can turn a parameter into another path segment or header line.

/** An MX user guid, as `authenticate` and session tokens must produce. */
export const USER_GUID_PATTERN = /^USR-[A-Za-z0-9-]{1,100}$/;
/** An MX member guid. */
export const MEMBER_GUID_PATTERN = /^MBR-[A-Za-z0-9-]{1,100}$/;
/** An MX institution code such as `mxbank` or `mx_bank_oauth`. */
export const INSTITUTION_CODE_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;
/** A credential or challenge guid (`CRD-…`; MX uses the same prefix for MFA challenges). */
export const ITEM_GUID_PATTERN = /^[A-Z]{3}-[A-Za-z0-9-]{1,100}$/;
