import { awsGuestProject } from '../aws-auth/test/support/vitest-project.js';

export default awsGuestProject('aws-ddb', 'momento:aws-ddb/aws-ddb@1.0.0', 'aws-ddb.ts');
