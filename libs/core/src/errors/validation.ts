import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, IS_OPTIONAL, ValidatorOptions } from 'class-validator';
import type { ErrorDetail } from '@idm/contracts';

/** Flattens class-validator errors into `field.path: rule` details, naming nested fields and indexes. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    if (e.constraints?.notNull) {
      out.push({ field, rule: 'notNull', message: `${field} must not be null (leave it out to keep its value or default)` });
      continue;
    }
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

/**
 * Optional fields present as `null`. class-validator's `@IsOptional()` skips every rule for null as well as
 * for a missing field, so `{"host": null}` reached the services (a 500, or null stored). Only fields documented
 * `nullable` (like `alarm_priority`, where null means "remove") or without `@IsOptional()` (their rules judge null) may be null.
 */
export function nullOptionalFields(entity: object): ValidationError[] {
  const storage = getMetadataStorage();
  const optional = new Set(
    storage.getTargetValidationMetadatas(entity.constructor, '', true, false).filter((m) => m.name === IS_OPTIONAL).map((m) => m.propertyName),
  );
  const errors: ValidationError[] = [];
  for (const [property, value] of Object.entries(entity)) {
    if (value === null && optional.has(property) && !documentedNullable(entity, property)) {
      errors.push({ property, value, constraints: { notNull: `${property} must not be null` }, children: [] });
    } else if (value && typeof value === 'object') {
      // Nested DTOs (limits, scope) and arrays of them are class instances after transformation.
      const items = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : [[null, value] as const];
      for (const [index, item] of items) {
        if (!item || typeof item !== 'object' || item.constructor === Object) continue;
        const children = nullOptionalFields(item as object);
        if (!children.length) continue;
        const child: ValidationError = { property: index ?? property, value: item, children };
        errors.push(index === null ? child : { property, value, children: [child] });
      }
    }
  }
  return errors;
}

/** `nullable: true` in the field's `@ApiProperty()`: null has a meaning there (e.g. "remove"), documented as such. */
function documentedNullable(entity: object, property: string): boolean {
  return (Reflect.getMetadata('swagger/apiModelProperties', Object.getPrototypeOf(entity), property) as { nullable?: boolean } | undefined)?.nullable === true;
}

class IdmValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Express leaves the body undefined when none (or no JSON) was sent; Nest would validate `{}` instead, so a
    // bare POST ran with every default (POST /reports/jobs started a report). `{}` asks for the defaults.
    if (metadata.type === 'body' && value === undefined && this.toValidate(metadata) && (await this.hasRules(metadata.metatype))) {
      const message = 'a JSON body is required (Content-Type: application/json; send {} for the defaults)';
      throw new BadRequestException({ message, details: [{ field: 'body', rule: 'required', message }] });
    }
    return super.transform(value, metadata);
  }

  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, options);
    const nulls = nullOptionalFields(object).filter((n) => !errors.some((e) => e.property === n.property));
    return [...errors, ...nulls];
  }

  private async hasRules(metatype: unknown): Promise<boolean> {
    return typeof metatype === 'function' && getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false).length > 0;
  }
}

/** The one global validation pipe: whitelist, reject unknown fields, no implicit type coercion of bodies. */
export function createValidationPipe(): ValidationPipe {
  return new IdmValidationPipe({
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
