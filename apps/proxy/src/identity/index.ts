/**
 * Program identity, for every route: {@link resolveIdentity} and the ordered source table.
 * @module
 */
export { resolveIdentity } from "./resolve-identity.js";
export type { Identity, IdentityOptions } from "./resolve-identity.js";
export { CLOSE_BODY_PATH, CLOSE_HEADERS, closeRequested } from "./close-signal.js";
export { headerValue } from "./headers.js";
export type { HeaderBag } from "./headers.js";
export { sourceName, sourcesInOrder } from "./sources.js";
export type { BodySource, HeaderSource, IdentitySource } from "./sources.js";
