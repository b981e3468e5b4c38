export default function Home() {
  return (
    <main className="mx-auto max-w-2xl p-8">
      <h1 className="text-2xl font-semibold">Porthole</h1>
      <p className="mt-2 text-zinc-500">Paste an image reference to look inside it.</p>
    </main>
  );
}
