/**
 * vLLM's error responses (≥ 0.10.1 envelope, `code` = HTTP status) and the messages it uses for
 * the cases the simulator reproduces (docs/wire-facts.md, "Errors").
 * @module
 */
import { openAIError, type OpenAIErrorBody } from "@thunderagent/protocol";
import { EngineSimError } from "../model/errors.js";

/** An error the server answers with: its HTTP status and vLLM's envelope. */
export class VllmHttpError extends EngineSimError {
  override readonly name: string = "VllmHttpError";
  constructor(
    readonly status: number,
    message: string,
    readonly type?: string,
    readonly param: string | null = null,
  ) {
    super("http_error", message);
  }

  body(): OpenAIErrorBody {
    return openAIError(this.status, this.message, {
      ...(this.type !== undefined ? { type: this.type } : {}),
      param: this.param,
    });
  }
}

export function badRequest(message: string, param: string | null = null): VllmHttpError {
  return new VllmHttpError(400, message, "BadRequestError", param);
}

export function modelNotFound(model: string): VllmHttpError {
  return new VllmHttpError(404, `The model \`${model}\` does not exist.`, "NotFoundError", "model");
}

export const STREAM_OPTIONS_MESSAGE = "Stream options can only be defined when `stream=True`.";

export function promptTooLong(maxModelLen: number, promptTokens: number): VllmHttpError {
  return badRequest(
    `This model's maximum context length is ${maxModelLen} tokens. However, your request has ` +
      `${promptTokens} input tokens. Please reduce the length of the input messages.`,
  );
}

export function maxTokensTooLarge(
  maxTokens: number,
  maxModelLen: number,
  promptTokens: number,
): VllmHttpError {
  return badRequest(
    `'max_tokens' or 'max_completion_tokens' is too large: ${maxTokens}. This model's maximum ` +
      `context length is ${maxModelLen} tokens and your request has ${promptTokens} input tokens ` +
      `(${maxTokens} > ${maxModelLen} - ${promptTokens}).`,
  );
}
