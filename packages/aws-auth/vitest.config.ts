import { awsGuestProject } from './test/support/vitest-project.js';

export default awsGuestProject('aws-auth', 'momento:aws-auth/aws-auth@1.0.0', 'aws-auth.ts');
