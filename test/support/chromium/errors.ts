/** Reading Node's errors, shared by the modules that find, unpack and lock the browser tests' Chromium. */

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
