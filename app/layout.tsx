import type { Metadata } from "next";
import { connection } from "next/server";
import { HydrationMark } from "@/components/HydrationMark";
import "./globals.css";

export const metadata: Metadata = {
  title: "Porthole — look inside container images",
  description: "Browse every layer and file of any container image.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request so Next.js can put the CSP nonce (proxy.ts) on its scripts.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        {children}
        <HydrationMark />
      </body>
    </html>
  );
}
