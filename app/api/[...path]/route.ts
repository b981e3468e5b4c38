import { unknownEndpoint } from "@/lib/http/methods";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export { unknownEndpoint as GET, unknownEndpoint as HEAD, unknownEndpoint as POST, unknownEndpoint as PUT, unknownEndpoint as PATCH };
export { unknownEndpoint as DELETE, unknownEndpoint as OPTIONS };
