/**
 * The free variables of a Jinja template: the names it reads that it does not bind itself
 * (`{% set %}`, `{% for %}` targets, macro names and parameters, `loop`), found by walking the
 * parsed template. A name tested with `is defined` / `is undefined` anywhere is optional (the
 * template guards it) and not required. Used when a config loads, to name a template variable the agent will not provide
 * before the first model call instead of failing at render time.
 * @module
 */
import { compileTemplate } from "./render-template.js";

type Node = { type: string; [key: string]: unknown };

const GLOBALS = new Set(["true", "false", "none", "True", "False", "None", "range", "namespace"]);

export interface TemplateVariables {
  /** Names read and required (not guarded by `is defined`). */
  required: Set<string>;
  /** Names read only under `is defined` / `is undefined`. */
  optional: Set<string>;
}

export function templateVariables(source: string): TemplateVariables {
  const read = new Set<string>();
  const guarded = new Set<string>();
  const bound = new Set<string>(["loop"]);
  walk(compileTemplate(source) as unknown as Node, { read, guarded, bound });
  const required = new Set<string>();
  for (const name of read) {
    if (!bound.has(name) && !GLOBALS.has(name) && !guarded.has(name)) required.add(name);
  }
  const optional = new Set<string>();
  for (const name of guarded) if (!bound.has(name)) optional.add(name);
  return { required, optional };
}

interface Acc {
  read: Set<string>;
  guarded: Set<string>;
  bound: Set<string>;
}

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string";
}

function bindTargets(node: unknown, acc: Acc): void {
  if (!isNode(node)) return;
  if (node.type === "Identifier") acc.bound.add(String(node["value"]));
  else if (node.type === "TupleLiteral" || node.type === "ArrayLiteral") {
    for (const item of node["value"] as unknown[]) bindTargets(item, acc);
  } else if (node.type === "MemberExpression") walk(node["object"], acc);
}

function walk(node: unknown, acc: Acc): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, acc);
    return;
  }
  if (node instanceof Map) {
    for (const [k, v] of node) {
      walk(k, acc);
      walk(v, acc);
    }
    return;
  }
  if (!isNode(node)) return;
  switch (node.type) {
    case "Identifier":
      acc.read.add(String(node["value"]));
      return;
    case "MemberExpression":
      walk(node["object"], acc);
      if (node["computed"]) walk(node["property"], acc);
      return;
    case "FilterExpression":
    case "FilterStatement": {
      walk(node["operand"] ?? node["body"], acc);
      const filter = node["filter"];
      if (isNode(filter) && filter.type === "CallExpression") walk(filter["args"], acc);
      return;
    }
    case "TestExpression": {
      const operand = node["operand"];
      const test = String((node["test"] as Node | undefined)?.["value"] ?? "");
      if (isNode(operand) && operand.type === "Identifier" && /^(un)?defined$/.test(test)) {
        acc.guarded.add(String(operand["value"]));
      } else walk(operand, acc);
      return;
    }
    case "BinaryExpression":
      walk(node["left"], acc);
      walk(node["right"], acc);
      return;
    case "UnaryExpression":
      walk(node["argument"], acc);
      return;
    case "KeywordArgumentExpression":
      walk(node["value"], acc);
      return;
    case "Set":
      bindTargets(node["assignee"], acc);
      walk(node["value"], acc);
      walk(node["body"], acc);
      return;
    case "For":
      bindTargets(node["loopvar"], acc);
      walk(node["iterable"], acc);
      walk(node["body"], acc);
      walk(node["defaultBlock"], acc);
      return;
    case "Macro":
      bindTargets(node["name"], acc);
      for (const arg of (node["args"] as unknown[]) ?? []) {
        bindTargets(
          isNode(arg) && arg.type === "KeywordArgumentExpression" ? arg["key"] : arg,
          acc,
        );
      }
      walk(node["body"], acc);
      return;
    default:
      for (const [key, value] of Object.entries(node)) if (key !== "type") walk(value, acc);
  }
}
