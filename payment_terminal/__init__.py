"""Payment terminal: ZVT (ECR interface) codec, serial link, driver and simulator."""
