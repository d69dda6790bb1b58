import { awsGuestProject } from '../aws-auth/test/support/vitest-project.js';

export default awsGuestProject(
  'aws-secrets-manager',
  'momento:aws-secrets/aws-secrets@1.0.0',
  'aws-secrets.ts',
);
