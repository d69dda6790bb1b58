import { awsGuestProject } from '../aws-auth/test/support/vitest-project.js';

export default awsGuestProject('aws-s3', 'momento:aws-s3/aws-s3@1.0.0', 'aws-s3.ts');
