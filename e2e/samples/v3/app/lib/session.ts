// Not a sample: the `getSession` of "@/app/lib/session" ("any auth provider").
// The sample server sets the signed-in user per request (from a cookie).
import { AsyncLocalStorage } from "node:async_hooks";

const current = new AsyncLocalStorage<{ userId: string }>();

/** Runs `fn` as `userId`: what the sample server does around each server action. */
export function withSession<T>(userId: string, fn: () => T): T {
  return current.run({ userId }, fn);
}

export async function getSession(): Promise<{ userId: string }> {
  const session = current.getStore();
  if (!session) throw new Error("not signed in");
  return session;
}
