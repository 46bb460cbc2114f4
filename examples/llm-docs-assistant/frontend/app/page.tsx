import { ChatWindow } from "./ChatWindow";

export default function Home() {
  return <ChatWindow apiBaseUrl={process.env.NEXT_PUBLIC_API_BASE_URL ?? "http://localhost:8080"} />;
}
