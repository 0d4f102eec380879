/** An environment whose commands are answered by a function (a boundary double: no shell). */
import type { Environment, ExecResult } from "../src/index.js";

export class FakeEnv implements Environment {
  readonly kind = "fake";
  readonly commands: string[] = [];
  constructor(private readonly answer: (command: string) => ExecResult | Error) {}
  async execute(command: string): Promise<ExecResult> {
    this.commands.push(command);
    const res = this.answer(command);
    if (res instanceof Error) throw res;
    return res;
  }
  templateVars() {
    return { cwd: "/testbed" };
  }
  async close() {}
}
