/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // tar-stream and fzstd run only in route handlers; keep them out of the bundle.
  serverExternalPackages: ["tar-stream", "fzstd"],
};

export default nextConfig;
