import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength } from 'class-validator';

export class LogInRequestDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct-horse-battery' })
  @IsString()
  @MaxLength(256)
  password!: string;
}
