import type { Control } from 'react-hook-form';

import type { CredentialField } from '../../api/schemas';

/** Form values keyed by credential (or challenge) guid. */
export type CredentialValues = Record<string, string | boolean>;

/** The one contract every field component implements (RHF's useController supplies value and error state). */
export interface CredentialFieldProps {
  field: CredentialField;
  control: Control<CredentialValues>;
  /** Prefix for element ids, unique per widget instance. */
  idPrefix: string;
}
