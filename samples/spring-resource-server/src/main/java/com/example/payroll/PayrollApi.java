package com.example.payroll;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * A small API protected by Gatehouse's access tokens: every {@code /api/**} request needs a bearer token whose issuer is
 * the configured issuer-uri and whose audience is {@code api://default} (application.properties).
 */
@SpringBootApplication
@RestController
public class PayrollApi {

    public static void main(String[] args) {
        SpringApplication.run(PayrollApi.class, args);
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests.requestMatchers("/api/**").authenticated().anyRequest().permitAll())
                .oauth2ResourceServer(server -> server.jwt(Customizer.withDefaults()))
                .build();
    }

    /** The caller's own payslip summary: who the token says they are, and the scopes it grants. */
    @GetMapping("/api/payslips/mine")
    Map<String, Object> mine(@AuthenticationPrincipal Jwt jwt) {
        return Map.of("employee", jwt.getSubject(), "scopes", jwt.getClaimAsStringList("scp"));
    }
}
