import { awsGuestProject } from '../aws-auth/test/support/vitest-project.js';

export default awsGuestProject('aws-lambda', 'momento:aws-lambda/aws-lambda@1.0.0', 'aws-lambda.ts');
