import type { Transform } from 'node:stream';
import { AgeDecryptor, AgeEncryptor } from './age-stream.js';
import { ProjectError, type ErrorCategory } from '../../api/errors.js';

/** A problem with age recipients or identities; the message names the fix, never a key. */
export class EncryptionError extends ProjectError {
  override readonly name = 'EncryptionError';
  readonly code: 'InvalidRecipient' | 'InvalidIdentity' | 'NoMatchingIdentity';

  constructor(code: EncryptionError['code'], message: string) {
    super(message);
    this.code = code;
  }

  /** A bad recipient is the configuration's fault; a wrong identity cannot decrypt the data. */
  get category(): ErrorCategory {
    return this.code === 'InvalidRecipient' ? 'usage' : 'integrity';
  }

  override get reason(): string {
    return this.code === 'InvalidRecipient' ? 'InvalidConfig' : 'DecryptionFailed';
  }
}

const RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/** X25519 recipients (`age1...`), one per entry; blank lines and `#` comments are ignored. */
export function parseRecipients(text: string): string[] {
  const recipients = text
    .split(/\r?\n|,/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  recipients.forEach((r, i) => {
    if (!RECIPIENT.test(r)) {
      throw new EncryptionError(
        'InvalidRecipient',
        `age recipient #${i + 1} is not an X25519 recipient (age1 followed by 58 characters): generate one with 'age-keygen'`,
      );
    }
  });
  return recipients;
}

/** Identities (`AGE-SECRET-KEY-1...`) from an identity file's text. Never echo them in errors. */
export function parseIdentities(text: string): string[] {
  const identities = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (identities.length === 0)
    throw new EncryptionError(
      'InvalidIdentity',
      'the age identity file holds no identity: it needs a line starting with AGE-SECRET-KEY-1',
    );
  identities.forEach((id, i) => {
    if (!id.startsWith('AGE-SECRET-KEY-1')) {
      throw new EncryptionError(
        'InvalidIdentity',
        `line ${i + 1} of the age identity is not an X25519 identity (AGE-SECRET-KEY-1...): use the file age-keygen wrote`,
      );
    }
  });
  return identities;
}

/** Streams the age format (`age -d` opens it) to the given X25519 recipients. */
export function createEncryptor(recipients: readonly string[]): Transform {
  if (recipients.length === 0)
    throw new EncryptionError('InvalidRecipient', 'encryption needs at least one age recipient');
  return new AgeEncryptor(recipients);
}

export function createDecryptor(identities: readonly string[]): Transform {
  return new AgeDecryptor(identities, (err) =>
    /no identity matched/i.test(String((err as Error)?.message))
      ? new EncryptionError(
          'NoMatchingIdentity',
          'none of the given age identities can decrypt this snapshot: use the identity whose recipient the backup was encrypted to',
        )
      : err,
  );
}
