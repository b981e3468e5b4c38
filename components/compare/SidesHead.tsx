/** The head of a table that sets A beside B: the first column's title (and width), then A, then B. */
export function SidesHead({ first, firstClass }: { first?: string; firstClass: string }) {
  return (
    <thead className="text-zinc-500">
      <tr>
        <th scope="col" className={`${firstClass} px-3 py-1 font-medium`}>
          {first}
        </th>
        <th scope="col" className="px-3 py-1 font-medium">
          A
        </th>
        <th scope="col" className="px-3 py-1 font-medium">
          B
        </th>
      </tr>
    </thead>
  );
}
