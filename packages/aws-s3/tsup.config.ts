// Shared by the guest packages; see the root tsup.guest.config.ts for why dist is unbundled.
export { default } from '../../tsup.guest.config.js';
