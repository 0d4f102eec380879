/**
 * Jinja templates rendered as mini-swe-agent renders them: `jinja2.Template(source,
 * undefined=StrictUndefined).render(**vars)`, i.e. Jinja2's default environment — no
 * `trim_blocks`, no `lstrip_blocks`, one trailing newline of the source dropped
 * (`keep_trailing_newline=False`), `\r\n` normalised to `\n` — and any undefined variable an error.
 *
 * Parsing and evaluation are @huggingface/jinja's; this module only sets the lexer options that
 * Jinja2 uses (the library's `Template` class forces the chat-template options `trim_blocks` and
 * `lstrip_blocks`) and aligns three details with Python: `| length` counts code points,
 * `None`/`True`/`False` print as Python prints them, and undefined names raise.
 * @module
 */
import * as jinja from "@huggingface/jinja";
import { AgentCoreError } from "../errors.js";

// The library's .d.ts files use extension-less relative imports that NodeNext cannot resolve, so
// the few runtime shapes used here are declared locally.
interface Statement {
  type: string;
}
interface Program extends Statement {
  body: Statement[];
}
interface RuntimeValue {
  type: string;
  value: unknown;
  toString(): string;
}
interface Environment {
  set(name: string, value: unknown): RuntimeValue;
  setVariable(name: string, value: RuntimeValue): RuntimeValue;
}
interface InterpreterInstance {
  evaluate(statement: Statement | undefined, environment: Environment): RuntimeValue;
  run(program: Program): RuntimeValue;
}
const JinjaEnvironment = jinja.Environment as unknown as new (parent?: Environment) => Environment;
const JinjaInterpreter = jinja.Interpreter as unknown as new (
  env: Environment,
) => InterpreterInstance;
const tokenize = jinja.tokenize as (
  source: string,
  options: { lstrip_blocks: boolean; trim_blocks: boolean },
) => unknown[];
const parse = jinja.parse as (tokens: unknown[]) => Program;

/** A template referenced a name (or attribute) that the render variables do not define. */
export class TemplateUndefinedError extends AgentCoreError {
  override readonly name: string = "TemplateUndefinedError";
  constructor(message: string) {
    super("template_undefined", message);
  }
}

/** The template's source is not valid Jinja. */
export class TemplateSyntaxError extends AgentCoreError {
  override readonly name: string = "TemplateSyntaxError";
  constructor(message: string) {
    super("template_syntax", message);
  }
}

const EXPRESSION_TYPES = new Set([
  "Identifier",
  "MemberExpression",
  "CallExpression",
  "FilterExpression",
  "BinaryExpression",
  "UnaryExpression",
  "Ternary",
  "TestExpression",
  "SelectExpression",
  "StringLiteral",
  "IntegerLiteral",
  "FloatLiteral",
  "ArrayLiteral",
  "TupleLiteral",
  "ObjectLiteral",
]);

function describe(node: Statement): string {
  const n = node as unknown as {
    type: string;
    value?: unknown;
    object?: Statement;
    property?: Statement;
    computed?: boolean;
  };
  if (n.type === "Identifier") return String(n.value);
  if (n.type === "MemberExpression" && n.object && n.property) {
    const prop = n.property as unknown as { type: string; value?: unknown };
    return n.computed
      ? `${describe(n.object)}[${JSON.stringify(prop.value)}]`
      : `${describe(n.object)}.${String(prop.value)}`;
  }
  return n.type;
}

class StrictInterpreter extends JinjaInterpreter {
  /** Nodes whose undefined value is allowed (`x is defined`, `x is undefined`). */
  readonly #lenient = new Set<Statement>();

  override evaluate(statement: Statement | undefined, environment: Environment): RuntimeValue {
    if (!statement) return super.evaluate(statement, environment);
    if (statement.type === "TestExpression") {
      const operand = (statement as unknown as { operand: Statement }).operand;
      this.#lenient.add(operand);
      try {
        return super.evaluate(statement, environment);
      } finally {
        this.#lenient.delete(operand);
      }
    }
    const value = super.evaluate(statement, environment);
    if (
      value.type === "UndefinedValue" &&
      (statement.type === "Identifier" || statement.type === "MemberExpression") &&
      !this.#lenient.has(statement)
    ) {
      throw new TemplateUndefinedError(`'${describe(statement)}' is undefined`);
    }
    if (statement.type === "FilterExpression" && value.type === "IntegerValue") {
      // Python's len(str) counts code points; JavaScript's length counts UTF-16 units.
      const node = statement as unknown as { operand: Statement; filter: { value?: unknown } };
      if (node.filter.value === "length" || node.filter.value === "count") {
        const operand = super.evaluate(node.operand, environment);
        if (operand.type === "StringValue") {
          (value as { value: number }).value = codePointLength(operand.value as string);
        }
      }
    }
    return value;
  }

  constructor(env: Environment) {
    super(env);
    // `evaluateBlock` is private in the library's typings; replace it on the instance.
    (this as unknown as { evaluateBlock: StrictInterpreter["block"] }).evaluateBlock = (s, e) =>
      this.block(s, e);
  }

  /** Block output as Jinja2 prints it: `None`, `True`, `False` rather than "", "true", "false". */
  block(statements: Statement[], environment: Environment): RuntimeValue {
    let result = "";
    for (const statement of statements) {
      const value = this.evaluate(statement, environment);
      const isExpression = EXPRESSION_TYPES.has(statement.type);
      if (value.type === "NullValue") {
        if (isExpression) result += "None";
      } else if (value.type === "BooleanValue") {
        result += value.value ? "True" : "False";
      } else if (value.type !== "UndefinedValue") {
        result += value.toString();
      }
    }
    return super.evaluate(
      { type: "StringLiteral", value: result } as unknown as Statement,
      environment,
    );
  }
}

function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const cache = new Map<string, Program>();

/** Parses a template source once (cached by source text). */
export function compileTemplate(source: string): Program {
  let program = cache.get(source);
  if (program) return program;
  try {
    program = parse(
      tokenize(source.replace(/\r\n?/g, "\n"), { lstrip_blocks: false, trim_blocks: false }),
    );
  } catch (error) {
    throw new TemplateSyntaxError(error instanceof Error ? error.message : String(error));
  }
  if (cache.size > 256) cache.clear();
  cache.set(source, program);
  return program;
}

/** Renders `source` with `vars` exactly as `jinja2.Template(source, undefined=StrictUndefined)`. */
export function renderTemplate(source: string, vars: Readonly<Record<string, unknown>>): string {
  const program = compileTemplate(source);
  const env = new JinjaEnvironment();
  for (const [name, value] of [
    ["true", true],
    ["false", false],
    ["none", null],
    ["True", true],
    ["False", false],
    ["None", null],
  ] as const) {
    env.set(name, value);
  }
  for (const [name, value] of Object.entries(vars)) {
    if (value !== undefined) env.setVariable(name, toRuntime(env, value));
  }
  const result = new StrictInterpreter(env).run(program);
  return String(result.value);
}

function toRuntime(env: Environment, value: unknown): RuntimeValue {
  // Environment.set converts JS values to runtime values; use a scratch child to reuse it.
  const scratch = new JinjaEnvironment(env);
  return scratch.set("v", value);
}
