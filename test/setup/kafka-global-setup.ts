// Placeholder until the bus lands: the pipeline work replaces this with the broker start-up.
export default async function setup(): Promise<void> {}
