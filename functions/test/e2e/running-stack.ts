import { startStack } from "../../dev/stack";

type Stack = Awaited<ReturnType<typeof startStack>>;

/**
 * The stack `npm start` runs, started before a file's tests and stopped after them. What it
 * returns reads through to the running stack, so tests use it as the stack itself
 * (`stack.base`, `stack.db`); reading it before beforeAll has run throws.
 */
export function runningStack(): Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack({ quiet: true });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });
  return new Proxy({} as Stack, {
    get(_, key: keyof Stack) {
      if (!stack) throw new Error("the stack is not running (beforeAll failed?)");
      return stack[key];
    },
  });
}
