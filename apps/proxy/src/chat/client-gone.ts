/**
 * The client went away (hung up while waiting or while its answer was produced): nothing is sent.
 * @module
 */
export class ClientGone extends Error {}
