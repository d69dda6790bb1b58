// Port of the upstream `web-function-token-metadata` example: answers with the metadata of the
// Momento API key the caller used (the `token_id` given when the key or a disposable token was
// generated), as 200 JSON.
import { environment, web } from '@momento-functions/guest-web';

export default web(() => {
  const metadata = environment().tokenMetadata;
  return {
    message:
      metadata === undefined
        ? "No metadata provided, try invoking with a Momento key that was generated with a populated 'token_id' field"
        : `Token metadata provided: ${metadata}`,
  };
});
