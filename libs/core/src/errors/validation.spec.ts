import { IsEmail, IsOptional, IsString, MaxLength, validate, ValidateNested } from 'class-validator';
import { plainToInstance, Type } from 'class-transformer';
import { ArgumentMetadata } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { createValidationPipe, flattenValidationErrors } from './validation';

class Contact {
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email!: string;

  @IsOptional()
  @IsString()
  phone?: string;
}

class Form {
  @IsString()
  @MaxLength(32)
  username!: string;

  @ValidateNested()
  @Type(() => Contact)
  contact!: Contact;
}

const check = async (body: object) => flattenValidationErrors(await validate(plainToInstance(Form, body), { whitelist: true, forbidNonWhitelisted: true }));

describe('flattenValidationErrors', () => {
  it('says a missing field is required, once, instead of every rule it fails', async () => {
    expect(await check({ contact: {} })).toEqual([
      { field: 'username', rule: 'required', message: 'username is required' },
      { field: 'contact.email', rule: 'required', message: 'contact.email is required' },
    ]);
    expect(await check({ username: null, contact: { email: 'a@b.example' } })).toEqual([{ field: 'username', rule: 'required', message: 'username is required' }]);
  });

  it('keeps each rule a present value breaks, names nested fields, and refuses unknown fields plainly', async () => {
    const details = await check({ username: 'x'.repeat(40), contact: { email: 'not-mail', fax: '1' } });
    expect(details).toEqual([
      { field: 'username', rule: 'maxLength', message: 'username must be shorter than or equal to 32 characters' },
      { field: 'contact.fax', rule: 'whitelistValidation', message: 'contact.fax is not an allowed field' },
      { field: 'contact.email', rule: 'isEmail', message: 'contact.email must be an e-mail address' },
    ]);
  });
});

class Limits {
  @IsOptional()
  @IsString()
  hi?: string;
}

class Patch {
  @IsOptional()
  @IsString()
  host?: string;

  @ApiPropertyOptional({ nullable: true, description: 'null removes it' })
  @IsOptional()
  @IsString()
  priority?: string | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => Limits)
  limits?: Limits;
}

describe('the global validation pipe', () => {
  const body: ArgumentMetadata = { type: 'body', metatype: Patch };
  const refusal = async (value: unknown) => {
    try {
      await createValidationPipe().transform(value, body);
    } catch (err) {
      return (err as { getResponse(): { details: unknown } }).getResponse().details;
    }
    throw new Error('expected a 400');
  };

  it('refuses null for an optional field, naming it (also nested), unless the field documents null', async () => {
    expect(await refusal({ host: null })).toEqual([{ field: 'host', rule: 'notNull', message: 'host must not be null (leave it out to keep its value or default)' }]);
    expect(await refusal({ limits: { hi: null } })).toEqual([expect.objectContaining({ field: 'limits.hi', rule: 'notNull' })]);
    await expect(createValidationPipe().transform({ priority: null, host: 'plc.local' }, body)).resolves.toMatchObject({ priority: null, host: 'plc.local' });
  });

  it('refuses a missing body, and takes {} for the defaults', async () => {
    expect(await refusal(undefined)).toEqual([expect.objectContaining({ field: 'body', rule: 'required' })]);
    await expect(createValidationPipe().transform({}, body)).resolves.toBeInstanceOf(Patch);
  });
});
