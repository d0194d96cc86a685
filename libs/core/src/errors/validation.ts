import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import type { ErrorDetail } from '@idm/contracts';

/** Flattens class-validator errors into `field.path: rule` details, naming nested fields and indexes. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    // A missing field fails every rule on it; one plain line says what is wrong.
    if ((e.value === undefined || e.value === null) && e.constraints && !e.constraints.whitelistValidation) {
      out.push({ field, rule: 'required', message: `${field} is required` });
      continue;
    }
    for (const [rule, message] of Object.entries(e.constraints ?? {})) {
      // whitelist errors read "property x should not exist"; say it plainly.
      const text = rule === 'whitelistValidation' ? `${field} is not an allowed field` : message.replace(e.property, field);
      out.push({ field, rule, message: text });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/** The one global validation pipe: whitelist, reject unknown fields, no implicit type coercion of bodies. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Values are read (to tell a missing field) but never put in a response or a log.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      return new BadRequestException({ message: details.map((d) => d.message).join('; ') || 'invalid request', details });
    },
  });
}
