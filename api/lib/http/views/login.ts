/** The answers of `POST /api/v1/login`, in Grottocenter's shapes (SPEC 4). */

export const INVALID_CREDENTIALS_MESSAGE = 'Invalid email or password.';

export function loginSuccess(token: string): { status: 'Success'; token: string } {
  return { status: 'Success', token };
}

/** The 401 of a wrong email or password: Grottocenter adds its `status` to the `{ message }`. */
export function loginMismatch(): { status: 'Mismatch'; message: string } {
  return { status: 'Mismatch', message: INVALID_CREDENTIALS_MESSAGE };
}
