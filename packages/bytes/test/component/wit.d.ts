declare module 'momento:web-function/web-function-support@1.0.0' {
  export function headers(): { name: string; value: string }[];
}
