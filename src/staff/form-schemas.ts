import { IdParams, Type } from '../http/schema.js'

/**
 * The staff pages' forms and queries: every field an optional string, as browsers send them;
 * the services say what is wrong with a value, on the form. `_csrf` is read by the handlers
 * that check it themselves (sign-in, setup, sign-out).
 */
const Text = Type.Optional(Type.String())

export { IdParams }
export const DoneQuery = Type.Object({ done: Text })
export const NextQuery = Type.Object({ next: Text, done: Text })
export const LoginForm = Type.Object({ email: Text, password: Text, next: Text, _csrf: Text })
export const MfaStepForm = Type.Object({ code: Text, next: Text, _csrf: Text })
export const LogoutForm = Type.Object({ _csrf: Text })
export const TokenParams = Type.Object({ token: Type.String() })
export const SetupForm = Type.Object({ email: Text, name: Text, password: Text, password2: Text, _csrf: Text })
export const PasswordForm = Type.Object({ current: Text, password: Text, password2: Text })
export const CodeForm = Type.Object({ code: Text })
export const NewStaffForm = Type.Object({ email: Text, name: Text, role: Text, password: Text, password2: Text })
export const RoleForm = Type.Object({ role: Text })
export const EmptyForm = Type.Object({})
