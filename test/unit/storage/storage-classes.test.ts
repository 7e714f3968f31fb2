import { StorageClass } from '@aws-sdk/client-s3';
import { STORAGE_CLASSES } from '../../../src/api/v1alpha1/constants.js';

describe('STORAGE_CLASSES: literals the CRD owns', () => {
  it('are all storage classes the S3 SDK knows', () => {
    const known: readonly string[] = Object.values(StorageClass);
    expect(STORAGE_CLASSES.filter((c) => !known.includes(c))).toEqual([]);
  });
});
