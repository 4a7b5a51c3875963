package dev.kapi.config;

import java.util.Optional;

enum NoCredentials implements Credentials {
  INSTANCE;

  @Override
  public Optional<String> authorization() {
    return Optional.empty();
  }

  @Override
  public boolean refreshAfterUnauthorized(String rejected) {
    return false;
  }

  @Override
  public String describe() {
    return "none";
  }
}
